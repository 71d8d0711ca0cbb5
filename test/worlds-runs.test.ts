import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { afterAll, expect, test } from 'vitest'
import { startIntegration } from '../fixtures/reference/server.ts'
import { SCENARIOS } from '../scenarios/catalogue.ts'
import { type SandboxProcess, startSandboxProcess } from './support/sandbox-process.ts'

// One shared sandbox, two CI jobs: each makes a world, points its own integration at it and
// runs every scenario, at the same time as the other. Without worlds the two runs overwrite
// each other's integration URL and both fail most scenarios.

const run = promisify(execFile)
const cli = (args: string[]) =>
  run('node', ['bin/bank-sandbox.js', ...args], { maxBuffer: 8 * 1024 * 1024 }).then(
    (ok) => ({ code: 0, stdout: ok.stdout, stderr: ok.stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  )

let sandbox: SandboxProcess | undefined
const closers: (() => Promise<void>)[] = []
afterAll(async () => {
  for (const close of closers) await close()
  await sandbox?.stop()
})

test('two worlds on one server run --all at the same time, each with its own integration, and both pass', async () => {
  sandbox = await startSandboxProcess(['--integration', 'none'])
  const jobs = await Promise.all(
    [1, 2].map(async () => {
      const created = await cli(['world', 'create', '--sandbox', sandbox?.url ?? ''])
      expect(created.code, created.stderr).toBe(0)
      const world = JSON.parse(created.stdout) as {
        id: string
        credentials: Parameters<typeof startIntegration>[0]['credentials']
      }
      // The reference integration as an outsider runs it: its own port, the world's credentials.
      const integration = await startIntegration({
        sandboxUrl: sandbox?.url ?? '',
        credentials: world.credentials,
      })
      closers.push(integration.close)
      return { world: world.id, integrationUrl: integration.url }
    }),
  )
  const runs = await Promise.all(
    jobs.map((job) =>
      cli([
        'scenario',
        'run',
        '--all',
        '--integration',
        job.integrationUrl,
        '--sandbox',
        sandbox?.url ?? '',
        '--world',
        job.world,
      ]),
    ),
  )
  for (const outcome of runs) {
    expect(outcome.stdout).toContain(`${SCENARIOS.length} of ${SCENARIOS.length} scenarios passed`)
    expect(outcome.code, outcome.stdout).toBe(0)
  }
  // Each run attached its own integration, in its own world; the default world has none.
  for (const job of jobs) {
    const attached = await fetch(`${sandbox.url}/sandbox/integration`, {
      headers: { 'X-Sandbox-World': job.world },
    })
    expect(await attached.json()).toEqual({ url: job.integrationUrl })
  }
  expect(await (await fetch(`${sandbox.url}/sandbox/integration`)).json()).toEqual({ url: null })
}, 300_000)

test('world delete, then running in the deleted world, fails with a clear message', async () => {
  if (!sandbox) throw new Error('the first test starts the sandbox')
  const created = JSON.parse((await cli(['world', 'create', '--sandbox', sandbox.url])).stdout) as {
    id: string
  }
  expect((await cli(['world', 'delete', created.id, '--sandbox', sandbox.url])).code).toBe(0)
  const listed = JSON.parse((await cli(['world', 'list', '--sandbox', sandbox.url])).stdout) as {
    id: string
  }[]
  expect(listed.map((w) => w.id)).not.toContain(created.id)
  const outcome = await cli([
    'scenario',
    'run',
    'consent-revoked',
    '--integration',
    'http://127.0.0.1:9',
    '--sandbox',
    sandbox.url,
    '--world',
    created.id,
  ])
  expect(outcome.code).not.toBe(0)
  expect(`${outcome.stdout}${outcome.stderr}`).toContain(`No world ${created.id}`)
}, 60_000)
