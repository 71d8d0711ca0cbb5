import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startTestPostgres, type TestPostgres } from '../../test/support/postgres.ts'
import { type Engine, memoryEngine } from './engine.ts'
import { postgresEngine } from './postgres.ts'
import { sqliteEngine } from './sqlite.ts'
import { createStore } from './store.ts'
import type { Change } from './table.ts'

// The same contract for every engine, so memory, on-disk and PostgreSQL cannot drift apart.

let postgres: TestPostgres
const dirs: string[] = []
beforeAll(async () => {
  postgres = await startTestPostgres()
}, 60_000)
afterAll(async () => {
  await postgres?.stop()
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

/** Opens the engine's storage twice: as one process, then as the next one (or a second instance). */
type Opener = () => Promise<() => Promise<Engine>>
const engines: [string, Opener][] = [
  [
    'on disk (SQLite)',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'bank-sandbox-store-'))
      dirs.push(dir)
      return async () => sqliteEngine(dir)
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const url = await postgres.database()
      return () => postgresEngine(url)
    },
  ],
]

const consent = (id: string, status: string) => ({ id, status })

describe.each(engines)('the %s store', (_name, storage) => {
  test('keeps every change of a batch and gives records back in the order first written', async () => {
    const open = await storage()
    const engine = await open()
    await engine.write([
      { table: 'consents', key: 'cns_b', value: consent('cns_b', 'active') },
      { table: 'consents', key: 'cns_a', value: consent('cns_a', 'active') },
      { table: 'tokens', key: 'at_1', value: { consentId: 'cns_a' } },
    ])
    await engine.write([
      { table: 'consents', key: 'cns_b', value: consent('cns_b', 'revoked') },
      { table: 'tokens', key: 'at_1', value: null },
    ])
    await engine.close()
    const again = await open()
    expect(await again.load()).toEqual([
      { table: 'consents', key: 'cns_b', value: consent('cns_b', 'revoked') },
      { table: 'consents', key: 'cns_a', value: consent('cns_a', 'active') },
    ])
    await again.close()
  })

  test('a store over it keeps what commands change, and a reopened one reads it back', async () => {
    const open = await storage()
    const engine = await open()
    await engine.saveSettings({ seed: 7 })
    const store = createStore(engine, await engine.load())
    store.state.consents.set('cns_1', { ...consent('cns_1', 'active') } as never)
    store.state.chats.set({ mid: 'mid_1', userId: 'usr_1', direction: 'from_user', text: 'hi', at: 'x' })
    store.state.chats.set({ mid: 'mid_2', userId: 'usr_1', direction: 'to_user', text: 'hello', at: 'y' })
    store.state.journal.record({
      atMs: 0,
      bankId: 'harbor',
      method: 'GET',
      route: '/r',
      path: '/p',
      consentId: null,
      status: 200,
      latencyMs: 1,
    })
    await store.close()

    const reopened = await open()
    expect(await reopened.settings()).toEqual({ seed: 7 })
    const next = createStore(reopened, await reopened.load())
    expect(next.state.consents.get('cns_1')).toMatchObject({ status: 'active' })
    expect(next.state.chats.get('usr_1')?.map((line) => line.text)).toEqual(['hi', 'hello'])
    expect(next.state.journal.entries().map((entry) => entry.id)).toEqual([1])
    expect(next.state.journal.record({ ...next.state.journal.entries()[0], atMs: 1 } as never)).toBe(2)
    next.reset()
    await next.close()
    const cleared = await open()
    expect(await cleared.load()).toEqual([])
    await cleared.close()
  })
})

describe.each(engines)('trimming the %s store', (_name, storage) => {
  test('keeps only the newest records of a table, and leaves the others alone', async () => {
    const open = await storage()
    const engine = await open()
    const line = (n: number): Change => ({ table: 'journal', key: `p:${n}`, value: { n } })
    await engine.write([{ table: 'consents', key: 'cns_1', value: consent('cns_1', 'active') }])
    await engine.write(Array.from({ length: 10 }, (_, n) => line(n)))
    await engine.trim('journal', 3)
    expect(await engine.load()).toEqual([
      { table: 'consents', key: 'cns_1', value: consent('cns_1', 'active') },
      line(7),
      line(8),
      line(9),
    ])
    await engine.close()
  })
})

describe('instances sharing one PostgreSQL database', () => {
  test('each sees what the other kept, and never its own writes twice', async () => {
    const url = await postgres.database()
    const a = await postgresEngine(url)
    const b = await postgresEngine(url)
    await b.load()
    const revoked: Change = { table: 'consents', key: 'cns_1', value: consent('cns_1', 'revoked') }
    await a.write([revoked])
    expect(await b.changesFromOthers?.()).toEqual([revoked])
    expect(await a.changesFromOthers?.()).toEqual([])
    await Promise.all([a.close(), b.close()])
  })

  test('one instance at a time holds a delivery; the other is told so and skips it', async () => {
    const url = await postgres.database()
    const a = await postgresEngine(url)
    const b = await postgresEngine(url)
    await a.write([{ table: 'deliveries', key: 'evt_1', value: { id: 'evt_1' } }])
    let release = () => {}
    const held = new Promise<void>((resolve) => {
      release = resolve
    })
    const first = a.withDeliveryLock?.('evt_1', () => held)
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(await b.withDeliveryLock?.('evt_1', async () => {})).toBe(false)
    release()
    expect(await first).toBe(true)
    expect(await b.withDeliveryLock?.('evt_1', async () => {})).toBe(true)
    await Promise.all([a.close(), b.close()])
  })
})

test('the memory engine keeps nothing: a new one starts empty', async () => {
  const engine = memoryEngine()
  await engine.write([{ table: 'consents', key: 'cns_1', value: consent('cns_1', 'active') }])
  expect(await memoryEngine().load()).toEqual([])
})
