import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { grantConsent } from '../sandbox/bank/consents.ts'
import { createDeps, type Deps } from '../sandbox/deps.ts'
import type { SandboxEvent } from '../sandbox/events/bus.ts'
import { createApp } from '../sandbox/serving/app.ts'
import { sqliteEngine } from '../sandbox/store/sqlite.ts'
import { createStore } from '../sandbox/store/store.ts'
import { DAY_MS } from '../sandbox/synthetic/types.ts'
import { setSliceTime } from '../sandbox/time/catch-up.ts'
import { createClock } from '../sandbox/time/clock.ts'
import { tick } from '../sandbox/time/tick.ts'
import { ALL_SCOPES, createTestSandbox, postJson, TEST_NOW, type TestSandbox } from './support/helpers.ts'

// A long clock move is worked through in slices that yield to the event loop. These tests
// make every linked account its own slice (a slice time of 0), so the slices show without
// timing anything, and compare what a sliced move did with a move made in one go.

const LINKED = 12
const LONG_MOVE_MS = 120 * DAY_MS

/** A sandbox with LINKED customers of Harbor linked with every scope, on a frozen clock. */
function linkedSandbox(): TestSandbox & { tag: string } {
  const sandbox = createTestSandbox({ customers: 120 })
  const bank = sandbox.deps.requireBank('harbor')
  const { customers } = sandbox.deps.world.listCustomers('harbor', 0, LINKED)
  let tag = ''
  for (const customer of customers) {
    const consent = grantConsent(sandbox.deps, bank, customer.id, {
      scopes: ALL_SCOPES,
      purpose: 'fraud_prevention',
    })
    tag = consent.id.slice('cns_'.length, 'cns_'.length + 10)
  }
  return { ...sandbox, tag }
}

/** What a move told the integration and the bank kept, with this process's id tag taken out. */
function outcome(sandbox: { deps: Deps; tag: string }) {
  const deliveries = sandbox.deps.outbox.list().map(({ id, type, orderKey, body, createdAt }) => ({
    id,
    type,
    orderKey,
    body,
    createdAt,
  }))
  const alerts = [...sandbox.deps.state.alerts.values()]
  const scanned = sandbox.deps.state.settings.get('scannedThroughMs')
  return JSON.parse(JSON.stringify({ deliveries, alerts, scanned }).replaceAll(sandbox.tag, 'TAG'))
}

function record(deps: Deps): SandboxEvent[] {
  const events: SandboxEvent[] = []
  deps.bus.subscribe((event) => events.push(event))
  return events
}

/** Lets the event loop turn until `ready` holds (a few thousand turns at most). */
async function until(ready: () => boolean): Promise<void> {
  for (let turn = 0; turn < 5000 && !ready(); turn++) await new Promise((resolve) => setImmediate(resolve))
  if (!ready()) throw new Error('never happened')
}

const progressOf = (events: SandboxEvent[]) =>
  events.filter((event) => event.kind === 'clock.progress').map((event) => event.data as Progress)

interface Progress {
  from: string
  to: string
  customersScanned: number
  customersLinked: number
}

describe('POST /sandbox/clock in slices', () => {
  test('while a long move is worked through, /health answers and clock.progress events arrive', async () => {
    const sandbox = linkedSandbox()
    setSliceTime(sandbox.deps, 0)
    const events = record(sandbox.deps)
    let answered = false
    const move = Promise.resolve(
      sandbox.request('/sandbox/clock', postJson({ advanceMs: LONG_MOVE_MS })),
    ).then((res) => {
      answered = true
      return res
    })
    await until(() => progressOf(events).length > 0)
    const health = await sandbox.request('/health')
    expect(health.status).toBe(200)
    expect(answered).toBe(false)

    const res = await move
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ now: new Date(TEST_NOW + LONG_MOVE_MS).toISOString(), mode: 'frozen' })
    const progress = progressOf(events)
    expect(progress.length).toBeGreaterThan(LINKED - 2)
    expect(progress[0]).toMatchObject({
      from: new Date(TEST_NOW).toISOString(),
      to: new Date(TEST_NOW + LONG_MOVE_MS).toISOString(),
      customersLinked: LINKED,
    })
    const scanned = progress.map((p) => p.customersScanned)
    expect(scanned).toEqual([...scanned].sort((a, b) => a - b))
    expect(scanned[0]).toBeLessThan(LINKED)
    expect(scanned.at(-1)).toBeLessThanOrEqual(LINKED)
    // The move is announced once it is done, after its progress.
    expect(events.findLastIndex((e) => e.kind === 'clock.progress')).toBeLessThan(
      events.findIndex((e) => e.kind === 'clock.moved'),
    )
  })

  test('a sliced move tells the integration and keeps exactly what a move in one go does', async () => {
    const sliced = linkedSandbox()
    setSliceTime(sliced.deps, 0)
    const res = await sliced.request('/sandbox/clock', postJson({ advanceMs: LONG_MOVE_MS }))
    expect(res.status).toBe(200)

    const whole = linkedSandbox()
    whole.deps.clock.advance(LONG_MOVE_MS)
    tick(whole.deps)

    const expected = outcome(whole)
    expect(expected.deliveries.length).toBeGreaterThan(LINKED)
    expect(expected.alerts.length).toBeGreaterThan(0)
    expect(outcome(sliced)).toEqual(expected)
  })

  test('a second move waits for the first: each span is scanned once, in order', async () => {
    const sliced = linkedSandbox()
    setSliceTime(sliced.deps, 0)
    const events = record(sliced.deps)
    const half = LONG_MOVE_MS / 2
    const [first, second] = await Promise.all([
      sliced.request('/sandbox/clock', postJson({ advanceMs: half })),
      sliced.request('/sandbox/clock', postJson({ advanceMs: half })),
    ])
    expect(first?.status).toBe(200)
    expect(second?.status).toBe(200)
    const ends = progressOf(events).map((p) => Date.parse(p.to) - TEST_NOW)
    expect(new Set(ends)).toEqual(new Set([half, LONG_MOVE_MS]))
    expect(ends).toEqual([...ends].sort((a, b) => a - b))

    const whole = linkedSandbox()
    for (const _ of [1, 2]) {
      whole.deps.clock.advance(half)
      tick(whole.deps)
    }
    expect(outcome(sliced)).toEqual(outcome(whole))
  })

  test('a move may be refused after the one before it is done, and later moves still run', async () => {
    const sandbox = linkedSandbox()
    setSliceTime(sandbox.deps, 0)
    const target = new Date(TEST_NOW + DAY_MS).toISOString()
    const [long, tooEarly] = await Promise.all([
      sandbox.request('/sandbox/clock', postJson({ advanceMs: 2 * DAY_MS })),
      // Valid when sent, in the past once the move before it is done.
      sandbox.request('/sandbox/clock', postJson({ to: target })),
    ])
    expect(long?.status).toBe(200)
    expect(tooEarly?.status).toBe(400)
    const next = await sandbox.request('/sandbox/clock', postJson({ advanceMs: DAY_MS }))
    expect(next.status).toBe(200)
    expect((await next.json()).now).toBe(new Date(TEST_NOW + 3 * DAY_MS).toISOString())
  })

  test('a reset during a move abandons it: nothing of the old world reaches the new one', async () => {
    const sandbox = linkedSandbox()
    setSliceTime(sandbox.deps, 0)
    const events = record(sandbox.deps)
    const move = sandbox.request('/sandbox/clock', postJson({ advanceMs: LONG_MOVE_MS }))
    await until(() => progressOf(events).length > 0)
    const reset = await sandbox.request('/sandbox/reset', postJson({}))
    expect(reset.status).toBe(200)
    const resetAt = sandbox.deps.state.settings.get('scannedThroughMs')
    const progressBefore = progressOf(events).length

    expect((await move).status).toBe(200)
    expect(progressOf(events).length).toBe(progressBefore)
    expect(sandbox.deps.state.alerts.size).toBe(0)
    expect(sandbox.deps.outbox.list()).toEqual([])
    expect(sandbox.deps.state.settings.get('scannedThroughMs')).toBe(resetAt)
    expect((await sandbox.request('/sandbox/clock', postJson({ advanceMs: DAY_MS }))).status).toBe(200)
  })

  test('an injection during a move finishes the move first, as if it had come after it', async () => {
    const sliced = linkedSandbox()
    setSliceTime(sliced.deps, 0)
    const events = record(sliced.deps)
    const card = sliced.deps.world.listCustomers('harbor', 0, 1).customers[0]?.cards[0]
    if (!card) throw new Error('no card')
    const charge = { amount: { amount: -1999, currency: 'USD' }, merchant: 'Corner Shop' }
    const move = sliced.request('/sandbox/clock', postJson({ advanceMs: LONG_MOVE_MS }))
    await until(() => progressOf(events).length > 0)
    const injected = await sliced.request(
      `/sandbox/banks/harbor/cards/${card.id}/transactions`,
      postJson(charge),
    )
    expect(injected.status).toBe(201)
    const progressBefore = progressOf(events).length
    expect((await move).status).toBe(200)
    expect(progressOf(events).length).toBe(progressBefore)

    const whole = linkedSandbox()
    whole.deps.clock.advance(LONG_MOVE_MS)
    tick(whole.deps)
    await whole.request(`/sandbox/banks/harbor/cards/${card.id}/transactions`, postJson(charge))
    expect(outcome(sliced)).toEqual(outcome(whole))
  })
})

describe('a sliced move with a kept store', () => {
  const dirs: string[] = []
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  })

  test('every slice’s changes are kept: the data directory holds what the move made', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bank-sandbox-slices-'))
    dirs.push(dir)
    const open = async () => {
      const engine = sqliteEngine(dir)
      return createStore(engine, await engine.load())
    }
    const store = await open()
    const deps = createDeps({
      seed: 42,
      customers: 120,
      days: 90,
      store,
      clock: createClock({ startMs: TEST_NOW, mode: 'frozen', wallNow: () => TEST_NOW }),
    })
    const bank = deps.requireBank('harbor')
    for (const customer of deps.world.listCustomers('harbor', 0, LINKED).customers) {
      grantConsent(deps, bank, customer.id, { scopes: ALL_SCOPES, purpose: 'fraud_prevention' })
    }
    setSliceTime(deps, 0)
    const res = await createApp(deps).request('/sandbox/clock', postJson({ advanceMs: LONG_MOVE_MS }))
    expect(res.status).toBe(200)
    await store.close()

    const kept = await open()
    try {
      expect(kept.state.settings.get('scannedThroughMs')).toBe(TEST_NOW + LONG_MOVE_MS)
      expect([...kept.state.alerts.values()]).toEqual([...deps.state.alerts.values()])
      expect([...kept.state.deliveries.keys()].sort()).toEqual(
        deps.outbox
          .list()
          .map((d) => d.id)
          .sort(),
      )
      expect(deps.state.alerts.size).toBeGreaterThan(0)
    } finally {
      await kept.close()
    }
  })
})
