import { type RunContext, takeMark } from './context.ts'
import { evaluate } from './expectations.ts'
import { observe } from './observations.ts'
import type { Expectation } from './schema.ts'

// The reaction budget. An integration reacts on its own schedule: it may debounce a burst
// or work after it has acknowledged. Before a moment that closes a window (a mark, or the
// end of the run), the runner gives it the budget, counted from the last thing the
// scenario did: a window whose checks are positive closes as soon as they all hold; one
// with a negative check ("at most", "no call", "no money") closes only after the whole
// budget has passed and the wires have gone quiet.

/** Whether a check can only be trusted after the budget has passed quietly. */
export function judgedAfterQuiet(expectation: Expectation): boolean {
  switch (expectation.kind) {
    case 'messages':
      return expectation.max !== undefined || expectation.lacks !== undefined || expectation.money === false
    case 'calls':
    case 'platformCalls':
      return expectation.max !== undefined
    case 'consent':
      return expectation.status === 'none'
    case 'acksInTime':
    case 'noCardNumbers':
    case 'evidence':
      return true
    case 'card':
    case 'forgeriesRefused':
    case 'optIn':
      return false
    // "none of another charge" is a negative check: a late wrong filing must be seen.
    case 'dispute':
      return true
  }
}

const POLL_MS = 200

/**
 * Waits until the expectations whose window ends here can be judged. `markName` is the
 * mark about to be taken (undefined: the end of the run); it is re-taken on each look, so
 * a provisional window can be evaluated.
 */
export async function awaitReactions(context: RunContext, markName: string | undefined): Promise<void> {
  const { target } = context
  if (target.exact) return
  const closing = context.scenario.expectations.filter(
    (e) => ('before' in e ? e.before : undefined) === markName,
  )
  if (closing.length === 0) return
  const deadline = context.lastActionWallMs + target.reactionMs
  if (closing.some(judgedAfterQuiet)) {
    await sleep(deadline - Date.now())
    await target.settle()
    return
  }
  while (Date.now() < deadline) {
    if (markName !== undefined) context.marks.set(markName, await takeMark(context))
    const seen = await observe(context)
    const verdicts = await Promise.all(closing.map((e) => evaluate(context, seen, e)))
    if (verdicts.every((v) => v.passed)) return
    await sleep(Math.min(POLL_MS, deadline - Date.now()))
  }
}

/** Polls `check` until it holds or the budget since the last action runs out. */
export async function within<T>(
  context: RunContext,
  check: () => Promise<T | undefined>,
): Promise<T | undefined> {
  const deadline = context.lastActionWallMs + context.target.reactionMs
  for (;;) {
    const found = await check()
    if (found !== undefined || context.target.exact || Date.now() >= deadline) return found
    await sleep(Math.min(POLL_MS, deadline - Date.now()))
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)))
