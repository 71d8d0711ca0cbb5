import { describe, expect, test } from 'vitest'
import { createTestSandbox } from '../../test/helpers.ts'
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
    sandbox.deps.scenarios = standIn()
    const res = await sandbox.request('/sandbox/scenarios')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ data: [fraudBurst] })
  })

  test('a run goes to the runner and its progress arrives as scenario.* events', async () => {
    const sandbox = createTestSandbox()
    const calls: { name: string; integrationUrl: string }[] = []
    sandbox.deps.scenarios = standIn(calls)
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
    sandbox.deps.scenarios = standIn()
    expect((await sandbox.request('/sandbox/scenarios/nope/runs', { method: 'POST' })).status).toBe(404)
    const res = await sandbox.request('/sandbox/scenarios/fraud-burst/runs', { method: 'POST' })
    expect(res.status).toBe(400)
  })

  test('a runner that throws finishes the run as failed, and later runs still go', async () => {
    const sandbox = createTestSandbox()
    let first = true
    sandbox.deps.scenarios = {
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
    let done: () => void = () => {}
    const both = new Promise<void>((resolve) => {
      done = resolve
    })
    sandbox.deps.bus.subscribe(({ kind, data }) => {
      if (kind !== 'scenario.finished') return
      finished.push(data)
      if (finished.length === 2) done()
    })
    await sandbox.request('/sandbox/scenarios/fraud-burst/runs', { method: 'POST' })
    await sandbox.request('/sandbox/scenarios/fraud-burst/runs', { method: 'POST' })
    await both
    expect(finished).toMatchObject([{ passed: false, error: 'the engine broke' }, { passed: true }])
  })
})
