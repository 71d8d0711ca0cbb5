import { execFileSync, spawnSync } from 'node:child_process'
import { availableParallelism } from 'node:os'

// CPU pinning for the HTTP section. On 2 cores the scheduler is free to put a server on
// the load generator's core and move it back mid-run; whichever way a run falls changed
// a baseline's req/s by up to 1.8× between runs here. Pinned, every server has the last
// core to itself and the load generator (this process) has the others, for both sides.

export interface Pinning {
  /** `taskset` arguments that start a command on the servers' core. */
  readonly serverPrefix: readonly string[]
  /** Says where things run, for the report. */
  readonly description: string
  /** Moves this process (every thread) onto the load generator's cores until `release`. */
  hold(): void
  release(): void
}

export function detectPinning(): Pinning | null {
  const cores = availableParallelism()
  if (cores < 2 || spawnSync('taskset', ['-V']).status !== 0) return null
  const serverCore = String(cores - 1)
  const loadCores = cores === 2 ? '0' : `0-${cores - 2}`
  const pinSelf = (list: string) =>
    execFileSync('taskset', ['-a', '-pc', list, String(process.pid)], { stdio: 'ignore' })
  return {
    serverPrefix: ['-c', serverCore],
    description: `servers pinned to core ${serverCore}, the load generator to core${cores === 2 ? '' : 's'} ${loadCores}`,
    hold: () => pinSelf(loadCores),
    release: () => pinSelf(`0-${cores - 1}`),
  }
}
