import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'

// Every server the bench measures runs in a child process, so the load generator never
// shares an event loop with it. The group remembers its children so that an error, an
// early return or Ctrl-C never leaves a server listening behind the bench.

export const NODE = process.execPath
/** What `npm start` runs: the CLI bundled by `npm run build` (no TypeScript loader at start). */
export const CLI_BUNDLE = fileURLToPath(new URL('../dist/bank-sandbox.mjs', import.meta.url))

/** `node --import tsx <bench file>`: the helper children are TypeScript like the rest. */
export function benchScript(name: string): string[] {
  return ['--import', 'tsx', fileURLToPath(new URL(name, import.meta.url))]
}

export interface ChildGroup {
  start(command: string, args: readonly string[], options?: SpawnOptions): ChildProcess
  /** SIGTERM, then SIGKILL if it lingers; resolves once it has exited. */
  stop(child: ChildProcess): Promise<void>
  /** Synchronous, for `process.on('exit')`: signals every child still running. */
  killAll(): void
}

export function createChildGroup(): ChildGroup {
  const running = new Set<ChildProcess>()
  return {
    start(command, args, options = {}) {
      const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options })
      running.add(child)
      child.once('exit', () => running.delete(child))
      return child
    },
    async stop(child) {
      if (!running.has(child)) return
      const exited = waitForExit(child)
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000)
      await exited
      clearTimeout(timer)
    },
    killAll() {
      for (const child of running) child.kill('SIGKILL')
    },
  }
}

export function waitForExit(
  child: ChildProcess,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode })
  }
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (code, signal) => resolve({ code, signal }))
  })
}

/** Resolves with the first stdout match of `pattern`; rejects with the child's stderr if it exits first. */
export function waitForOutput(
  child: ChildProcess,
  pattern: RegExp,
  timeoutMs = 30_000,
): Promise<RegExpMatchArray> {
  const { stdout, stderr } = child
  if (!stdout) throw new Error('waitForOutput needs a piped stdout')
  let seen = ''
  let errors = ''
  stderr?.on('data', (chunk: Buffer) => {
    errors = (errors + chunk.toString()).slice(-4000)
  })
  return new Promise((resolve, reject) => {
    const settle = () => {
      clearTimeout(timer)
      stdout.off('data', onData)
      child.off('exit', onExit)
      // Keep draining: a full pipe would block the child's later writes.
      stdout.resume()
    }
    const onData = (chunk: Buffer) => {
      seen += chunk.toString()
      const match = seen.match(pattern)
      if (!match) return
      settle()
      resolve(match)
    }
    const onExit = (code: number | null) => {
      settle()
      reject(new Error(`exited (${code}) before printing ${pattern}: ${errors}`))
    }
    const timer = setTimeout(() => {
      settle()
      reject(new Error(`no ${pattern} within ${timeoutMs} ms: ${errors}`))
    }, timeoutMs)
    stdout.on('data', onData)
    child.once('exit', onExit)
  })
}

/** A loopback port nobody holds right now, for children we must poll before they can tell us theirs. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}
