import { type ChildProcess, spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { afterEach } from 'vitest'

// A sandbox as users run it: `bin/bank-sandbox.js serve` in a process of its own, so tests
// can kill it (-9 included) and start it again on the same port.

export interface SandboxProcess {
  url: string
  port: number
  pid: number
  output(): string
  /** SIGKILL: no chance to flush or close anything. */
  kill(): Promise<void>
  stop(): Promise<void>
}

export async function startSandboxProcess(args: string[], port?: number): Promise<SandboxProcess> {
  const chosen = port ?? (await freePort())
  const child = spawn(process.execPath, ['bin/bank-sandbox.js', 'serve', '--port', String(chosen), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DATABASE_URL: '' },
  })
  let output = ''
  child.stdout?.on('data', (chunk) => {
    output += chunk
  })
  child.stderr?.on('data', (chunk) => {
    output += chunk
  })
  const url = `http://127.0.0.1:${chosen}`
  await waitForHealth(url, child, () => output)
  return {
    url,
    port: chosen,
    pid: child.pid ?? 0,
    output: () => output,
    kill: () => ended(child, 'SIGKILL'),
    stop: () => ended(child, 'SIGTERM'),
  }
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 20_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the sandbox exited (${child.exitCode}):\n${output()}`)
    try {
      if ((await fetch(`${url}/health`)).ok) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`the sandbox did not answer /health within 20 s:\n${output()}`)
}

function ended(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    child.once('exit', () => resolve())
    child.kill(signal)
  })
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

/** A list to put what a test starts in; after each test, all of it is stopped, newest first. */
export function stoppedAfterEach<T extends { stop(): Promise<void> }>(): T[] {
  const running: T[] = []
  afterEach(async () => {
    for (const item of running.splice(0).reverse()) await item.stop().catch(() => undefined)
  })
  return running
}
