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

  test('the changes of one turn of the event loop, from several requests, go in one write', async () => {
    const fake = fakeEngine('never')
    const store = createStore(fake.engine)
    // Each in a step of its own within the turn, as requests read in one poll of the sockets are.
    const request = async (id: string) => {
      const since = store.mark()
      await Promise.resolve()
      consents(store).set(id, consent(id))
      await store.flushed(since)
    }
    await Promise.all(['cns_a', 'cns_b', 'cns_c'].map(request))
    expect(fake.kept.map((write) => write.map((change) => change.key))).toEqual([['cns_a', 'cns_b', 'cns_c']])
  })

  test('changes made while a write is in the database gather into one write behind it; a refusal reaches all who joined', async () => {
    const fake = fakeEngine('bad')
    let release = () => {}
    const slow = fake.engine.write
    let first = true
    fake.engine.write = async (changes) => {
      if (first) {
        first = false
        await new Promise<void>((resolve) => {
          release = resolve
        })
      }
      return slow(changes)
    }
    const store = createStore(fake.engine)
    consents(store).set('cns_first', consent('cns_first'))
    const firstDone = store.flushed()
    await new Promise((resolve) => setImmediate(resolve)) // the first write is in the database
    const waits: Promise<unknown>[] = []
    for (const id of ['cns_x', 'cns_bad', 'cns_y']) {
      const since = store.mark()
      consents(store).set(id, consent(id, id === 'cns_bad' ? 'bad' : 'active'))
      waits.push(
        store.flushed(since).then(
          () => 'kept',
          (error) => error.code,
        ),
      )
      await new Promise((resolve) => setImmediate(resolve)) // a turn of its own
    }
    release()
    await firstDone
    expect(await Promise.all(waits)).toEqual(['22P05', '22P05', '22P05'])
    expect(fake.kept.map((write) => write.map((change) => change.key))).toEqual([['cns_first']])
  })

  test('looks at other instances’ changes are shared: calls during one wait for the next, which starts after them', async () => {
    const fake = fakeEngine('never')
    const looks: (() => void)[] = []
    const othersKept: Change[] = []
    fake.engine.changesFromOthers = () =>
      new Promise((resolve) => {
        const seen = othersKept.splice(0) // what is kept when the query begins
        looks.push(() => resolve(seen))
      })
    const store = createStore(fake.engine)
    const first = store.catchUp()
    await Promise.resolve()
    // Kept by another instance after the first look began: only a later look sees it.
    othersKept.push({ table: 'consents', key: 'cns_other', value: consent('cns_other') })
    const later = [store.catchUp(), store.catchUp(), store.catchUp()]
    expect(looks).toHaveLength(1)
    looks.shift()?.()
    await first
    expect(store.state.consents.get('cns_other')).toBeUndefined()
    await new Promise((resolve) => setImmediate(resolve))
    expect(looks).toHaveLength(1) // one look for the three
    looks.shift()?.()
    await Promise.all(later)
    expect(store.state.consents.get('cns_other')).toMatchObject({ id: 'cns_other' })
  })

  test('a record changed here while a look at other instances is out keeps its new value over the older one the look brings', async () => {
    const fake = fakeEngine('never')
    let answer: (changes: Change[]) => void = () => {}
    fake.engine.changesFromOthers = () =>
      new Promise((resolve) => {
        answer = resolve
      })
    const store = createStore(fake.engine)
    const look = store.catchUp()
    await new Promise((resolve) => setImmediate(resolve)) // the query is out
    consents(store).set('cns_mine', consent('cns_mine', 'revoked'))
    // The database answered from before that change: another instance's older value.
    answer([
      { table: 'consents', key: 'cns_mine', value: consent('cns_mine', 'active') },
      { table: 'consents', key: 'cns_theirs', value: consent('cns_theirs') },
    ])
    await look
    expect(store.state.consents.get('cns_mine')).toMatchObject({ status: 'revoked' })
    expect(store.state.consents.get('cns_theirs')).toMatchObject({ status: 'active' })
  })

  test('a look does not wait for this instance’s writes; a record changed here and not yet kept keeps its value', async () => {
    const fake = fakeEngine('never')
    let releaseWrite = () => {}
    const write = fake.engine.write
    fake.engine.write = async (changes) => {
      await new Promise<void>((resolve) => {
        releaseWrite = resolve
      })
      return write(changes)
    }
    fake.engine.changesFromOthers = async () => [
      // Another instance's older value of the record this one just changed, and one of its own.
      { table: 'consents', key: 'cns_mine', value: consent('cns_mine', 'active') },
      { table: 'consents', key: 'cns_theirs', value: consent('cns_theirs') },
    ]
    const store = createStore(fake.engine)
    consents(store).set('cns_mine', consent('cns_mine', 'revoked'))
    const kept = store.flushed()
    await new Promise((resolve) => setImmediate(resolve)) // the write is in the database
    await store.catchUp() // answers while the write is still out
    expect(store.state.consents.get('cns_mine')).toMatchObject({ status: 'revoked' })
    expect(store.state.consents.get('cns_theirs')).toMatchObject({ status: 'active' })
    releaseWrite()
    await kept
    // Once kept, nothing holds the record back from later looks (this fake still answers the old value).
    await store.catchUp()
    expect(store.state.consents.get('cns_mine')).toMatchObject({ status: 'active' })
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
