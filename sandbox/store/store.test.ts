import { describe, expect, test } from 'vitest'
import { usePostgres } from '../../test/support/postgres.ts'
import { type Engine, memoryEngine } from './engine.ts'
import { postgresEngine } from './postgres.ts'
import { createStore } from './store.ts'
import type { Change } from './table.ts'
import { type Outage, StoreUnavailable } from './unavailable.ts'

// The write queue in front of an engine: a change the database refuses fails the request
// that made it and nothing after it; a database that is away holds the writes, in order,
// until it is back, while whoever waits hears StoreUnavailable at once.

type Consent = { id: string; status: string }
const consent = (id: string, status = 'active'): Consent => ({ id, status })
const consents = (store: ReturnType<typeof createStore>) =>
  store.state.consents as unknown as { set(key: string, value: Consent): void }

/** An engine that keeps writes in a list, refuses any holding `refuse`, and can be taken away. */
function fakeEngine(refuse: string) {
  const kept: Change[][] = []
  let away: Outage | null = null
  let back: (() => void)[] = []
  const engine: Engine = {
    ...memoryEngine(),
    kind: 'postgres',
    async write(changes) {
      if (away) throw new StoreUnavailable(away)
      if (JSON.stringify(changes).includes(refuse))
        throw Object.assign(new Error('unsupported Unicode escape sequence'), { code: '22P05' })
      kept.push([...changes])
    },
    outage: () => away,
    reachable: () => (away ? new Promise<void>((resolve) => back.push(resolve)) : Promise.resolve()),
  }
  return {
    engine,
    kept,
    goAway: () => {
      away = { cause: 'connection refused', retryAfterSeconds: 1 }
    },
    comeBack: () => {
      away = null
      for (const resolve of back.splice(0)) resolve()
      back = []
    },
  }
}

describe('the store', () => {
  test('a change the database refuses fails the request that made it, and later ones are kept', async () => {
    const fake = fakeEngine('bad')
    const store = createStore(fake.engine)
    const before = store.mark()
    consents(store).set('cns_bad', consent('cns_bad', 'bad'))
    await expect(store.flushed(before)).rejects.toMatchObject({ code: '22P05' })

    const next = store.mark()
    consents(store).set('cns_good', consent('cns_good'))
    await expect(store.flushed(next)).resolves.toBeUndefined()
    expect(fake.kept.flat().map((change) => change.key)).toEqual(['cns_good'])
  })

  test('while the database is away a wait ends at once with StoreUnavailable; the write is kept when it is back', async () => {
    const fake = fakeEngine('bad')
    const store = createStore(fake.engine)
    fake.goAway()
    const since = store.mark()
    consents(store).set('cns_a', consent('cns_a'))
    await expect(store.flushed(since)).rejects.toBeInstanceOf(StoreUnavailable)
    // A later wait too, without hanging, for as long as it is away.
    await expect(store.flushed()).rejects.toBeInstanceOf(StoreUnavailable)
    expect(fake.kept).toEqual([])

    fake.comeBack()
    consents(store).set('cns_b', consent('cns_b'))
    await expect(store.flushed()).resolves.toBeUndefined()
    expect(fake.kept.flat().map((change) => change.key)).toEqual(['cns_a', 'cns_b'])
  })
})

describe('the store on PostgreSQL', () => {
  const postgres = usePostgres()

  test('a change PostgreSQL refuses (U+0000 in JSONB) leaves the store keeping the next ones', async () => {
    const url = await postgres().database()
    const store = createStore(await postgresEngine(url))
    try {
      const before = store.mark()
      consents(store).set('cns_nul', consent('cns_nul', 'a\u0000b'))
      await expect(store.flushed(before)).rejects.toMatchObject({ code: '22P05' })

      const next = store.mark()
      consents(store).set('cns_ok', consent('cns_ok'))
      await store.flushed(next)
    } finally {
      await store.close()
    }
    const again = await postgresEngine(url)
    const keys = (await again.load()).map((change) => change.key)
    await again.close()
    expect(keys).toEqual(['cns_ok'])
  }, 30_000)
})
