import { execFileSync, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { type ChildGroup, CLI_BUNDLE, NODE } from './processes.ts'

// CPU pinning for the HTTP section. On 2 cores the scheduler is free to put a server on
// the load generator's core and move it back mid-run; whichever way a run falls changed
// a baseline's req/s by up to 1.8× between runs here. Pinned, every server has the last
// allowed core to itself and the load generator (this process) has the others.

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
  const allowed = allowedCores()
  const serverCore = allowed.at(-1)
  if (allowed.length < 2 || serverCore === undefined || spawnSync('taskset', ['-V']).status !== 0) return null
  const loadCores = allowed.slice(0, -1).join(',')
  const pinSelf = (list: string) =>
    execFileSync('taskset', ['-a', '-pc', list, String(process.pid)], { stdio: 'ignore' })
  return {
    serverPrefix: ['-c', String(serverCore)],
    description: `servers pinned to core ${serverCore}, the load generator to ${allowed.length > 2 ? 'cores' : 'core'} ${loadCores}`,
    hold: () => pinSelf(loadCores),
    release: () => pinSelf(allowed.join(',')),
  }
}

/** The cores this process may run on (Linux), e.g. "0-1" or "4,6-7" → [0, 1] or [4, 6, 7]. */
function allowedCores(): number[] {
  let list: string
  try {
    list = /^Cpus_allowed_list:\s*(\S+)/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? ''
  } catch {
    return []
  }
  return list.split(',').flatMap((range) => {
    const [from = Number.NaN, to = from] = range.split('-').map(Number)
    if (!Number.isInteger(from) || !Number.isInteger(to)) return []
    return Array.from({ length: to - from + 1 }, (_, i) => from + i)
  })
}

/**
 * A sandbox from the bundled CLI (`serve` plus `extra`), pinned to the server core when
 * the machine allows; the caller waits for it to listen and releases the pinning after.
 */
export function startPinnedSandbox(children: ChildGroup, extra: readonly string[] = []) {
  const pinning = detectPinning()
  const args = [CLI_BUNDLE, 'serve', '--port', '0', '--host', '127.0.0.1', '--seed', '42', ...extra]
  const server = pinning
    ? children.start('taskset', [...pinning.serverPrefix, NODE, ...args])
    : children.start(NODE, args)
  pinning?.hold()
  return { server, pinning }
}
