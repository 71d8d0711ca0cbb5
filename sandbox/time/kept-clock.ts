import type { SandboxState } from '../store/state.ts'
import type { Clock, ClockReading } from './clock.ts'

// The simulation clock, kept by the store: every move and mode change is recorded, and a
// store that kept a clock resumes it (a real clock moved on while the sandbox was down).

export interface KeptClockView extends Clock {
  /** Takes up a move another instance made (already kept): nothing is written back. */
  follow(kept: ClockReading): void
}

export function keptClock(clock: Clock, state: () => SandboxState): KeptClockView {
  const kept = state().settings.get('clock')
  if (kept) clock.resume(kept)
  const save = () =>
    state().settings.set('clock', { simMs: clock.now(), wallMs: clock.wallNow(), mode: clock.mode() })
  return {
    now: clock.now,
    mode: clock.mode,
    wallNow: clock.wallNow,
    advance(ms) {
      clock.advance(ms)
      save()
    },
    set(ms) {
      clock.set(ms)
      save()
    },
    setMode(mode) {
      clock.setMode(mode)
      save()
    },
    resume(next) {
      clock.resume(next)
      save()
    },
    follow: (next) => clock.resume(next),
  }
}
