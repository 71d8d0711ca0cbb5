import { AsyncLocalStorage } from 'node:async_hooks'

// Which integration call the bank is answering, so that what the call causes (a webhook)
// says so. Privacy evidence needs it: a webhook that a call itself produced, stamped in
// the same millisecond, must never count as what prompted that call. Only calls that can
// change something enter it (GET and HEAD cannot), so the hot reads pay nothing.

const answering = new AsyncLocalStorage<number>()

/** Runs the bank's answer to a call that arrived at `arrivedWallMs`, naming it as the cause of what follows. */
export function whileAnswering<T>(method: string, arrivedWallMs: number, work: () => T): T {
  return method === 'GET' || method === 'HEAD' ? work() : answering.run(arrivedWallMs, work)
}

/** When the integration call being answered arrived (wall clock); undefined outside one. */
export const callBeingAnswered = (): number | undefined => answering.getStore()
