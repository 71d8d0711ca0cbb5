import { createDeps } from '../sandbox/deps.ts'
import { createApp } from '../sandbox/serving/app.ts'
import type { Engine } from '../sandbox/store/engine.ts'
import { postgresEngine } from '../sandbox/store/postgres.ts'
import { sqliteEngine } from '../sandbox/store/sqlite.ts'
import { createStore } from '../sandbox/store/store.ts'
import type { Change } from '../sandbox/store/table.ts'
import { createClock } from '../sandbox/time/clock.ts'

// A kept store with `changes` changes in it, made the way a server makes them: a session
// played through the app in this process (no socket) on the on-disk engine — customers
// linked, accounts and balances read, transactions injected, chats, revocations — then
// balance reads' journal entries until the count is reached. The PostgreSQL copy
// is written from those records through the engine API, in the order SQLite kept them.

const BANK = 'harbor'
const SCOPES = ['accounts:read', 'balances:read', 'transactions:read', 'alerts']
/** Customers linked in the session; the rest of the changes are balance reads. */
const LINKED = 200
const JOURNAL_BATCH = 10_000

export interface FilledStore {
  /** Changes written through the engine (a record changed twice counts twice). */
  changes: number
  /** Of those, the changes the played session made (the rest are balance reads' journal entries). */
  session: number
  /** Records kept: what a restart loads. */
  records: number
}

type Request = (path: string, init?: { method?: string; body?: unknown; token?: string }) => Promise<unknown>

export async function fillDataDir(dir: string, changes: number, seed: number): Promise<FilledStore> {
  const engine = sqliteEngine(dir)
  let written = 0
  const counting: Engine = {
    ...engine,
    write(batch) {
      written += batch.length
      return engine.write(batch)
    },
  }
  await counting.saveSettings({ seed })
  const store = createStore(counting)
  const clock = createClock({ startMs: Date.now(), mode: 'real', wallNow: Date.now })
  const deps = createDeps({ seed, customers: 1000, days: 90, clock, store })
  const app = createApp(deps)
  const call: Request = async (path, init = {}) => {
    const res = await app.request(path, {
      method: init.method ?? 'GET',
      headers: {
        'Content-Type': 'application/json',
        ...(init.token ? { Authorization: `Bearer ${init.token}` } : {}),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    })
    if (!res.ok)
      throw new Error(`${init.method ?? 'GET'} ${path} answered ${res.status}: ${await res.text()}`)
    return res.json()
  }
  try {
    const reading = await playSession(call, app.request)
    await call(reading.path, { token: reading.token })
    await store.flushed()
    // The rest is what a long run of balance reads leaves: one journal entry each, written
    // through the engine in batches (playing them through the app would take a minute).
    const session = written
    const [last] = deps.state.journal.newest(1)
    if (!last) throw new Error('the session left no journal entry')
    const lastMs = Date.parse(last.at)
    for (let from = 1; written < changes; from += JOURNAL_BATCH) {
      const count = Math.min(JOURNAL_BATCH, changes - written)
      await counting.write(
        Array.from({ length: count }, (_, i) => {
          const id = last.id + from + i
          const at = new Date(lastMs + (from + i) * 10).toISOString()
          return { table: 'journal', key: String(id), value: { ...last, id, at } } satisfies Change
        }),
      )
    }
    return { changes: written, session, records: (await engine.load()).length }
  } finally {
    await store.close()
  }
}

/** Copies the records of a data directory into an empty PostgreSQL database, in batches. */
export async function copyToPostgres(dir: string, url: string, seed: number): Promise<void> {
  const from = sqliteEngine(dir)
  const to = await postgresEngine(url)
  try {
    await to.saveSettings({ seed })
    const records: Change[] = await from.load()
    for (let at = 0; at < records.length; at += 5_000) await to.write(records.slice(at, at + 5_000))
  } finally {
    from.close()
    await to.close()
  }
}

interface Customer {
  id: string
  platformUserId: string
  cards: { id: string }[]
}

/** Links customers and uses the bank as an integration and its users would; returns a balance to read. */
async function playSession(
  call: Request,
  raw: (path: string, init: RequestInit) => Response | Promise<Response>,
) {
  const { clientId, clientSecret } = (await call('/sandbox/credentials')) as {
    clientId: string
    clientSecret: string
  }
  const basic = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`
  const { data: customers } = (await call(`/sandbox/banks/${BANK}/customers?limit=${LINKED}`)) as {
    data: Customer[]
  }
  let reading: { path: string; token: string } | null = null
  for (const [i, customer] of customers.entries()) {
    const { code, consent } = (await call(`/sandbox/banks/${BANK}/customers/${customer.id}/consents`, {
      method: 'POST',
      body: { scopes: SCOPES, purpose: 'account_servicing' },
    })) as { code: string; consent: { id: string } }
    const tokens = await raw(`/banks/${BANK}/oauth/token`, {
      method: 'POST',
      headers: { Authorization: basic, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code }).toString(),
    })
    const token = ((await tokens.json()) as { access_token: string }).access_token
    const { data: accounts } = (await call(`/banks/${BANK}/v1/accounts`, { token })) as {
      data: { id: string }[]
    }
    for (const account of accounts) await call(`/banks/${BANK}/v1/accounts/${account.id}/balances`, { token })
    if (i % 5 !== 0) reading ??= { path: `/banks/${BANK}/v1/accounts/${accounts[0]?.id}/balances`, token }
    const card = customer.cards[0]
    if (i % 4 === 0 && card) {
      await call(`/sandbox/banks/${BANK}/cards/${card.id}/transactions`, {
        method: 'POST',
        body: { amount: { amount: -1_250, currency: 'USD' }, count: 3, spreadMs: 60_000, mcc: '5411' },
      })
    }
    if (i % 2 === 0) {
      await call(`/sandbox/platform/users/${customer.platformUserId}/messages`, {
        method: 'POST',
        body: { text: 'what is my balance?' },
      })
    }
    if (i % 5 === 0)
      await call(`/sandbox/banks/${BANK}/consents/${consent.id}/revoke`, { method: 'POST', body: {} })
  }
  if (!reading) throw new Error('the session linked no customer')
  return reading
}
