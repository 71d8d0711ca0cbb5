import { execFile } from 'node:child_process'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { promisify } from 'node:util'
import { afterEach, describe, expect, test } from 'vitest'
import type { SandboxCredentials } from '../fixtures/reference/config.ts'
import { startIntegration } from '../fixtures/reference/server.ts'
import { SCENARIOS, scenarioNamed } from '../scenarios/catalogue.ts'
import { startExternalTarget } from '../scenarios/external.ts'
import { textReport } from '../scenarios/report.ts'
import { runSerially } from '../scenarios/runner.ts'
import { startSandboxProcess } from './support/sandbox-process.ts'

// Verdicts for integrations the runner cannot see inside: one sandbox shared by run after
// run, an integration that takes its time, and one that is not there at all. The sandbox
// is the built server (`bin/bank-sandbox.js serve`), as users run it.

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const close of cleanups.splice(0).reverse()) await close()
})

async function startSandbox() {
  const sandbox = await startSandboxProcess(['--seed', '42', '--customers', '400', '--integration', 'none'])
  cleanups.push(sandbox.stop)
  const credentials = (await (await fetch(`${sandbox.url}/sandbox/credentials`)).json()) as SandboxCredentials
  return { url: sandbox.url, credentials }
}

const failures = (results: Awaited<ReturnType<typeof runSerially>>) =>
  results.flatMap((r) => [
    ...(r.error ? [`${r.scenario}: ${r.error}`] : []),
    ...r.verdicts.filter((v) => !v.passed).map((v) => `${r.scenario}/${v.id}: ${v.message}`),
  ])

/**
 * Forwards everything to the sandbox, as an integration's own view of it: `before` may hold
 * a request back, and `after` hears of each once it has been answered.
 */
async function proxy(
  sandboxUrl: string,
  hooks: {
    before?: (req: { method: string; path: string }) => Promise<void>
    after?: (path: string, body: string) => void
  },
): Promise<string> {
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks)
    await hooks.before?.({ method: req.method ?? 'GET', path: req.url ?? '' })
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(req.headers))
      if (typeof value === 'string' && name !== 'host' && name !== 'content-length') headers[name] = value
    const answer = await fetch(`${sandboxUrl}${req.url}`, {
      method: req.method ?? 'GET',
      headers,
      ...(body.length > 0 ? { body } : {}),
      redirect: 'manual',
    })
    res.writeHead(answer.status, Object.fromEntries(answer.headers))
    res.end(Buffer.from(await answer.arrayBuffer()))
    hooks.after?.(req.url ?? '', body.toString())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  cleanups.push(() => new Promise((resolve) => server.close(() => resolve())))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

/** Holds each chat message back: a slow, debouncing bot. */
const slowChatProxy = (sandboxUrl: string, delayMs: number) =>
  proxy(sandboxUrl, {
    before: async ({ method, path }) => {
      if (method === 'POST' && path === '/platform/v1/messages')
        await new Promise((resolve) => setTimeout(resolve, delayMs))
    },
  })

/** The reference integration behind a slow chat, run as an outsider's, with this reaction budget. */
async function slowIntegration(delayMs: number, reactionMs: number) {
  const sandbox = await startSandbox()
  const integration = await startIntegration({
    sandboxUrl: await slowChatProxy(sandbox.url, delayMs),
    credentials: sandbox.credentials,
  })
  cleanups.push(integration.close)
  return startExternalTarget(integration.url, { sandboxUrl: sandbox.url, reactionMs })
}

describe('runs against an external integration', () => {
  test('--all passes twice in a row on one sandbox, and again after someone used it by hand', async () => {
    const sandbox = await startSandbox()
    const integration = await startIntegration({
      sandboxUrl: sandbox.url,
      credentials: sandbox.credentials,
    })
    cleanups.push(integration.close)
    const target = await startExternalTarget(integration.url, { sandboxUrl: sandbox.url, reactionMs: 1_000 })

    expect(failures(await runSerially(SCENARIOS, target))).toEqual([])
    expect(failures(await runSerially(SCENARIOS, target))).toEqual([])

    // A person clicking around: a bank withdrawn, another rate-limited and slow, the clock sped off.
    const control = target.control
    await control.call('POST', '/sandbox/banks/meridian/partnership', { status: 'terminated' })
    await control.call('POST', '/sandbox/banks/harbor/partnership', { status: 'terminating' })
    await control.call('PUT', '/sandbox/banks/harbor/faults', { rateLimit: 1, errorRate: 0.5 })
    await control.call('POST', '/sandbox/clock', { advanceMs: 86_400_000, mode: 'real' })
    expect(failures(await runSerially(SCENARIOS, target))).toEqual([])
  }, 240_000)

  test('an integration that answers after 1.5 s passes fraud-burst: the user answers what reached the chat', async () => {
    const fraudBurst = scenarioNamed('fraud-burst')
    if (!fraudBurst) throw new Error('no fraud-burst')
    const [result] = await runSerially([fraudBurst], await slowIntegration(1_500, 4_000))
    expect(failures(result ? [result] : [])).toEqual([])
  }, 60_000)

  test('a setup that fails within the budget reports every expectation as not evaluated, with the cause', async () => {
    const consentRevoked = scenarioNamed('consent-revoked')
    if (!consentRevoked) throw new Error('no consent-revoked')
    // The authorize link reaches the chat after 1.5 s: past a 300 ms budget, so nobody taps it in time.
    const [result] = await runSerially([consentRevoked], await slowIntegration(1_500, 300))
    expect(result?.error).toMatch(/^Setup failed: Could not link ana at harbor/)
    expect(result?.verdicts.map((v) => v.id)).toEqual(consentRevoked.expectations.map((e) => e.id))
    expect(result?.verdicts.every((v) => v.evaluated === false && !v.passed)).toBe(true)
    expect(textReport(result ? [result] : [])).toContain(
      `0 of ${consentRevoked.expectations.length} expectations met, ${consentRevoked.expectations.length} not evaluated.`,
    )
  }, 60_000)
})

describe('a dead integration', () => {
  const run = promisify(execFile)

  test('one killed mid-run: what it did is judged, what it could not do is "not evaluated", exit 1', async () => {
    const sandbox = await startSandbox()
    // It dies once it has told Ana her link ended (its answer to consent.revoked): killed,
    // nothing listens at its URL any more.
    let kill = () => {}
    const sandboxSide = await proxy(sandbox.url, {
      after: (path, body) => {
        if (path === '/platform/v1/messages' && body.includes('link has ended')) kill()
      },
    })
    const integration = await startIntegration({ sandboxUrl: sandboxSide, credentials: sandbox.credentials })
    cleanups.push(integration.close)
    kill = () => void integration.close()
    const url = integration.url
    const outcome = await run(
      'node',
      [
        'bin/bank-sandbox.js',
        'scenario',
        'run',
        'consent-revoked',
        '--integration',
        url,
        '--sandbox',
        sandbox.url,
        '--reaction-ms',
        '1000',
      ],
      { maxBuffer: 8 * 1024 * 1024 },
    ).then(
      (ok) => ({ code: 0, stdout: ok.stdout }),
      (error: { code: number; stdout: string }) => error,
    )
    expect(outcome.code, outcome.stdout).toBe(1)
    expect(outcome.stdout).toContain(
      `integration not reachable at ${url}: the connection was refused (nothing listens there). It stopped answering during the run, after step 2 of 9 (mark revoked).`,
    )
    // Judged: the window that closed while it answered, and the hint it sent before it died.
    const judged = ['balance-before', 'reconnect-hint']
    for (const id of judged) expect(outcome.stdout).toContain(`✔ ${id}:`)
    const ids = scenarioNamed('consent-revoked')?.expectations.map((e) => e.id) ?? []
    const unjudged = ids.filter((id) => !judged.includes(id))
    expect(unjudged).toEqual(
      expect.arrayContaining(['no-data-after-revocation', 'no-calls-after-revocation', 'receipt-clean']),
    )
    for (const id of unjudged) expect(outcome.stdout).toMatch(new RegExp(`\\? ${id}: .*\\(not evaluated\\)`))
    expect(outcome.stdout).toContain(
      `0 of 1 scenarios passed; 2 of ${ids.length} expectations met, ${unjudged.length} not evaluated.`,
    )
  }, 60_000)

  test('fails every scenario within seconds, naming the URL; nothing counts as passed', async () => {
    const sandbox = await startSandbox()
    // A port that was free a moment ago: nothing listens there now.
    const probe = createServer()
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
    const deadUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`
    await new Promise((resolve) => probe.close(resolve))

    const started = Date.now()
    const outcome = await run(
      'node',
      ['bin/bank-sandbox.js', 'scenario', 'run', '--all', '--integration', deadUrl, '--sandbox', sandbox.url],
      { maxBuffer: 8 * 1024 * 1024 },
    ).then(
      (ok) => ({ code: 0, stdout: ok.stdout }),
      (error: { code: number; stdout: string }) => error,
    )
    expect(Date.now() - started).toBeLessThan(20_000)
    expect(outcome.code).toBe(1)
    const expectations = SCENARIOS.reduce((n, s) => n + s.expectations.length, 0)
    expect(outcome.stdout).toContain(
      `0 of ${SCENARIOS.length} scenarios passed; 0 of ${expectations} expectations met, ${expectations} not evaluated.`,
    )
    for (const scenario of SCENARIOS) expect(outcome.stdout).toContain(`✘ ${scenario.name} —`)
    expect(outcome.stdout.split(`integration not reachable at ${deadUrl}`).length - 1).toBe(SCENARIOS.length)
  }, 30_000)
})
