import { describe, expect, test } from 'vitest'
import { createTestSandbox } from '../../test/support/helpers.ts'
import type { SandboxEvent } from '../events/bus.ts'
import type { ScenarioRunner } from './scenario-runner.ts'

// The dashboard's scenario runs with the runner passed in: a stand-in here, the
// scenario engine under `bank-sandbox serve` (test/dashboard.test.ts runs the real one).

const fraudBurst = { name: 'fraud-burst', title: 'Fraud burst', summary: 'Charges.', catches: 'silence' }

function standIn(calls: { name: string; integrationUrl: string }[] = []): ScenarioRunner {
  return {
    list: () => [fraudBurst],
    async run(name, { integrationUrl }, hooks) {
      calls.push({ name, integrationUrl })
      hooks.onVerdict({ id: 'alert-asked', says: 'The user is asked', passed: true, message: 'Asked.' })
      return { passed: true, durationMs: 5 }
    },
    fileSchema: () => ({ title: 'Scenario' }),
    load: (text) =>
      text.startsWith('name:')
        ? {
            ok: true,
            info: { ...fraudBurst, name: 'mine' },
            run: async () => ({ passed: true, durationMs: 1 }),
          }
        : { ok: false, problems: [{ line: 3, path: 'steps.0.kind', message: 'unknown kind' }] },
  }
}

describe('/sandbox/scenarios', () => {
  test('a sandbox started without a runner answers 404 problem+json: no scenarios available', async () => {
    const sandbox = createTestSandbox()
    for (const res of [
      await sandbox.request('/sandbox/scenarios'),
      await sandbox.request('/sandbox/scenarios/fraud-burst/runs', { method: 'POST' }),
    ]) {
      expect(res.status).toBe(404)
      expect(res.headers.get('content-type')).toBe('application/problem+json')
      expect(((await res.json()) as { detail: string }).detail).toMatch(/no scenarios available/i)
    }
  })

  test('with a runner passed in, it lists what the runner offers', async () => {
    const sandbox = createTestSandbox()
    sandbox.deps.server.scenarios = standIn()
    const res = await sandbox.request('/sandbox/scenarios')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ data: [fraudBurst] })
  })

  test('a run goes to the runner and its progress arrives as scenario.* events', async () => {
    const sandbox = createTestSandbox()
    const calls: { name: string; integrationUrl: string }[] = []
    sandbox.deps.server.scenarios = standIn(calls)
    sandbox.deps.integrationUrl = 'http://127.0.0.1:9/'
    const events: SandboxEvent[] = []
    sandbox.deps.bus.subscribe((event) => events.push(event))
    const finished = new Promise<void>((resolve) =>
      sandbox.deps.bus.subscribe((event) => event.kind === 'scenario.finished' && resolve()),
    )

    const res = await sandbox.request('/sandbox/scenarios/fraud-burst/runs', { method: 'POST' })
    expect(res.status).toBe(202)
    const { runId } = (await res.json()) as { runId: string }
    await finished

    expect(calls).toEqual([{ name: 'fraud-burst', integrationUrl: 'http://127.0.0.1:9/' }])
    const scenarioEvents = events.filter((event) => event.kind.startsWith('scenario.'))
    expect(scenarioEvents.map(({ kind, data }) => ({ kind, data }))).toEqual([
      { kind: 'scenario.started', data: { runId, name: 'fraud-burst', title: 'Fraud burst' } },
      {
        kind: 'scenario.expectation',
        data: {
          runId,
          name: 'fraud-burst',
          id: 'alert-asked',
          says: 'The user is asked',
          passed: true,
          message: 'Asked.',
        },
      },
      { kind: 'scenario.finished', data: { runId, name: 'fraud-burst', passed: true, durationMs: 5 } },
    ])
  })

  test('an unknown scenario is 404 and a run without an integration attached is 400', async () => {
    const sandbox = createTestSandbox()
    sandbox.deps.server.scenarios = standIn()
    expect((await sandbox.request('/sandbox/scenarios/nope/runs', { method: 'POST' })).status).toBe(404)
    const res = await sandbox.request('/sandbox/scenarios/fraud-burst/runs', { method: 'POST' })
    expect(res.status).toBe(400)
  })

  test('a runner that throws finishes the run as failed, and later runs still go', async () => {
    const sandbox = createTestSandbox()
    let first = true
    sandbox.deps.server.scenarios = {
      ...standIn(),
      async run(_name, _where, _hooks) {
        if (first) {
          first = false
          throw new Error('the engine broke')
        }
        return { passed: true, durationMs: 1 }
      },
    }
    sandbox.deps.integrationUrl = 'http://127.0.0.1:9/'
    const finished: unknown[] = []
    const next = () =>
      new Promise<void>((resolve) => {
        const stop = sandbox.deps.bus.subscribe(({ kind, data }) => {
          if (kind !== 'scenario.finished') return
          finished.push(data)
          stop()
          resolve()
        })
      })
    for (let run = 0; run < 2; run++) {
      const done = next()
      expect((await sandbox.request('/sandbox/scenarios/fraud-burst/runs', { method: 'POST' })).status).toBe(
        202,
      )
      await done
    }
    expect(finished).toMatchObject([{ passed: false, error: 'the engine broke' }, { passed: true }])
  })
})

describe('one run at a time in a world', () => {
  const json = (body: unknown) => ({
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  })
  const problemOf = async (res: Response) => {
    expect(res.headers.get('content-type')).toBe('application/problem+json')
    return (await res.json()) as { status: number; code: string; detail: string }
  }

  test('a second run is refused with 409 run_in_progress, naming the run and when it started', async () => {
    const sandbox = createTestSandbox({ wallNow: () => Date.parse('2026-06-01T09:00:00.000Z') })
    const claimed = await sandbox.request('/sandbox/runs', json({ label: 'CI job 7 runs --all' }))
    expect(claimed.status).toBe(201)
    const lease = (await claimed.json()) as { id: string }
    expect(lease).toMatchObject({
      label: 'CI job 7 runs --all',
      startedAt: '2026-06-01T09:00:00.000Z',
      leaseMs: 30_000,
      expiresAt: '2026-06-01T09:00:30.000Z',
    })
    expect(await (await sandbox.request('/sandbox/runs')).json()).toEqual({ data: [lease] })

    const refused = await sandbox.request('/sandbox/runs', { method: 'POST' })
    expect(refused.status).toBe(409)
    const problem = await problemOf(refused)
    expect(problem).toMatchObject({ status: 409, code: 'run_in_progress' })
    expect(problem.detail).toContain(`Run ${lease.id} (CI job 7 runs --all)`)
    expect(problem.detail).toContain('since 2026-06-01T09:00:00.000Z')

    // The dashboard's runs hold the same lock.
    sandbox.deps.server.scenarios = standIn()
    sandbox.deps.integrationUrl = 'http://127.0.0.1:9/'
    const dashboard = await sandbox.request('/sandbox/scenarios/fraud-burst/runs', { method: 'POST' })
    expect(dashboard.status).toBe(409)
    expect((await problemOf(dashboard)).detail).toContain(lease.id)

    expect((await sandbox.request(`/sandbox/runs/${lease.id}`, { method: 'DELETE' })).status).toBe(204)
    expect(await (await sandbox.request('/sandbox/runs')).json()).toEqual({ data: [] })
    expect((await sandbox.request('/sandbox/runs', { method: 'POST' })).status).toBe(201)
  })

  test('a lease runs out unless renewed: a runner that died frees the world', async () => {
    let wall = Date.parse('2026-06-01T09:00:00.000Z')
    const sandbox = createTestSandbox({ wallNow: () => wall })
    const lease = (await (await sandbox.request('/sandbox/runs', json({ leaseMs: 10_000 }))).json()) as {
      id: string
    }
    wall += 9_000
    const renewed = await sandbox.request(`/sandbox/runs/${lease.id}/renew`, { method: 'POST' })
    expect(renewed.status).toBe(200)
    expect(await renewed.json()).toMatchObject({ expiresAt: '2026-06-01T09:00:19.000Z' })
    wall += 9_000
    expect((await sandbox.request('/sandbox/runs', { method: 'POST' })).status).toBe(409)
    wall += 1_000
    const next = await sandbox.request('/sandbox/runs', { method: 'POST' })
    expect(next.status).toBe(201)
    // The dead runner's lease is gone: it can neither renew nor release the new one.
    const late = await sandbox.request(`/sandbox/runs/${lease.id}/renew`, { method: 'POST' })
    expect((await problemOf(late)).code).toBe('not_found')
    await sandbox.request(`/sandbox/runs/${lease.id}`, { method: 'DELETE' })
    expect(
      ((await (await sandbox.request('/sandbox/runs')).json()) as { data: unknown[] }).data,
    ).toHaveLength(1)
  })

  test('a dashboard run holds the lock until it finishes; a lease out of bounds is 400', async () => {
    const sandbox = createTestSandbox()
    let finish: () => void = () => {}
    sandbox.deps.server.scenarios = {
      ...standIn(),
      run: () =>
        new Promise((resolve) => {
          finish = () => resolve({ passed: true, durationMs: 1 })
        }),
    }
    sandbox.deps.integrationUrl = 'http://127.0.0.1:9/'
    const finished = new Promise<void>((resolve) =>
      sandbox.deps.bus.subscribe((event) => event.kind === 'scenario.finished' && resolve()),
    )
    const started = await sandbox.request('/sandbox/scenarios/fraud-burst/runs', { method: 'POST' })
    const { runId } = (await started.json()) as { runId: string }
    const held = (await (await sandbox.request('/sandbox/runs')).json()) as { data: unknown[] }
    expect(held.data).toEqual([expect.objectContaining({ id: runId, leaseMs: null, expiresAt: null })])
    expect((await sandbox.request('/sandbox/runs', { method: 'POST' })).status).toBe(409)
    finish()
    await finished
    expect(await (await sandbox.request('/sandbox/runs')).json()).toEqual({ data: [] })
    expect((await sandbox.request('/sandbox/runs', json({ leaseMs: 100 }))).status).toBe(400)
  })

  test('the scenario file schema is served at /schemas/scenario.json from the runner', async () => {
    const sandbox = createTestSandbox()
    expect((await sandbox.request('/schemas/scenario.json')).status).toBe(404)
    sandbox.deps.server.scenarios = standIn()
    const res = await sandbox.request('/schemas/scenario.json')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ title: 'Scenario' })
  })

  test('a scenario file with problems answers 400 with each problem at its line, and nothing runs', async () => {
    const sandbox = createTestSandbox()
    sandbox.deps.server.scenarios = standIn()
    const res = await sandbox.request('/sandbox/scenario-files/runs', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ file: 'mine.yaml', text: 'steps: [{kind: dance}]' }),
    })
    expect(res.status).toBe(400)
    const body = (await res.json()) as { errors: { path: string; message: string }[] }
    expect(body.errors).toEqual([{ path: 'line 3: steps.0.kind', message: 'unknown kind' }])
  })
})
