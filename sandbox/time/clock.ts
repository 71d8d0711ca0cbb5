import { createIsoFormatter } from '../generate/iso.ts'

// The simulation clock. Real-time by default (sim time runs at wall speed from an
// anchor), or frozen; advancing moves the anchor. The wall clock is injected, so
// tests and scenarios run on time they control.

export type ClockMode = 'real' | 'frozen'

/** What a clock read, and when by the wall clock: enough to take it up again. */
export interface ClockReading {
  simMs: number
  wallMs: number
  mode: ClockMode
}

export interface Clock {
  now(): number
  mode(): ClockMode
  /** Moves simulation time forward by `ms` (≥ 0). */
  advance(ms: number): void
  /** Jumps to `ms` (never backwards: stored changes assume time only grows). */
  set(ms: number): void
  setMode(mode: ClockMode): void
  /**
   * Takes up a kept clock: it read `simMs` at wall time `wallMs`. A real clock has moved on
   * while the sandbox was down, as a real bank's would; a frozen one is where it was.
   */
  resume(kept: ClockReading): void
  /** Wall-clock milliseconds, for things that must not follow the simulation (webhook timestamps). */
  wallNow(): number
}

export function createClock(options: { startMs: number; mode: ClockMode; wallNow: () => number }): Clock {
  const { wallNow } = options
  let mode = options.mode
  let anchorSim = options.startMs
  let anchorWall = wallNow()

  const now = () => (mode === 'frozen' ? anchorSim : anchorSim + (wallNow() - anchorWall))
  const reanchor = (simMs: number) => {
    anchorSim = simMs
    anchorWall = wallNow()
  }

  return {
    now,
    mode: () => mode,
    advance: (ms) => reanchor(now() + Math.max(0, ms)),
    set: (ms) => reanchor(Math.max(now(), ms)),
    setMode: (next) => {
      reanchor(now())
      mode = next
    },
    resume: (kept) => {
      mode = kept.mode
      anchorSim = kept.simMs
      anchorWall = kept.mode === 'real' ? kept.wallMs : wallNow()
    },
    wallNow,
  }
}

/** ISO 8601 UTC with milliseconds, via the memoizing formatter (the API formats many per answer). */
export const toIso: (ms: number) => string = createIsoFormatter()
