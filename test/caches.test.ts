import { describe, expect, test } from 'vitest'
import {
  ALL_SCOPES,
  bearer,
  createTestSandbox,
  firstCustomer,
  link,
  postJson,
  type TestSandbox,
} from './support/helpers.ts'

// The sandbox's caches are caches: the same requests answer the same whether a world's
// caches (transaction pages, fraud baselines, the hot reader) were kept or dropped before
// every request.

const MINUTE = 60_000

function dropCaches(sandbox: TestSandbox): void {
  const { memory } = sandbox.deps
  delete memory.pageCache
  delete memory.fraud
  delete memory.hotReader
}

/** Runs the same session on a sandbox, dropping its caches before every request when asked; what it saw. */
async function session(sandbox: TestSandbox, drop: boolean): Promise<unknown[]> {
  const seen: unknown[] = []
  const ask = async (path: string, init?: RequestInit) => {
    if (drop) dropCaches(sandbox)
    const res = await sandbox.request(path, init)
    const answer = { path, status: res.status, body: await res.json() }
    seen.push(answer)
    return answer
  }
  const customer = await firstCustomer(sandbox, 'harbor', 2)
  const { token } = await link(sandbox, 'harbor', customer.id, ALL_SCOPES)
  const auth = { headers: bearer(token) }
  const account = customer.accounts[0]?.id ?? ''
  const card = customer.cards[0]?.id ?? ''
  const pages = async () => {
    for (const limit of [3, 10, 50]) {
      let path = `/banks/harbor/v1/accounts/${account}/transactions?limit=${limit}`
      for (let page = 0; page < 3; page++) {
        const answer = await ask(path, auth)
        const next = (answer.body as { nextCursor?: string | null }).nextCursor
        if (!next) break
        path = `/banks/harbor/v1/accounts/${account}/transactions?limit=${limit}&cursor=${encodeURIComponent(next)}`
      }
      await ask(`/banks/harbor/v1/accounts/${account}/transactions?limit=${limit}`, auth)
    }
    await ask(`/banks/harbor/v1/accounts/${account}/balances`, auth)
  }
  await pages()
  const tiny = { amount: { amount: -50, currency: 'USD' }, channel: 'online' }
  await ask(
    `/sandbox/banks/harbor/cards/${card}/transactions`,
    postJson({ ...tiny, count: 2, spreadMs: MINUTE }),
  )
  await pages()
  sandbox.deps.clock.advance(2 * MINUTE)
  await ask(`/sandbox/banks/harbor/cards/${card}/transactions`, postJson(tiny))
  await ask(`/banks/harbor/v1/alerts`, auth)
  sandbox.deps.clock.advance(26 * 3_600_000)
  await pages()
  return seen
}

describe('caches', () => {
  test('dropping every cache before each request changes no answer', async () => {
    // Each sandbox signs cursors with a key of its own and tags ids with its own letters:
    // compared without the signature and the tag.
    const unsigned = (seen: unknown[]) =>
      JSON.stringify(seen)
        .replace(/(eyJ[\w-]+)\.[\w-]+/g, '$1')
        .replace(/_[a-z]{10}(\d{6})\b/g, '_$1')
    const kept = await session(createTestSandbox(), false)
    const dropped = await session(createTestSandbox(), true)
    expect(unsigned(dropped)).toEqual(unsigned(kept))
    // The session saw what the caches hold: pages beyond the first, and an alert.
    expect(kept.filter((a) => (a as { path: string }).path.includes('cursor=')).length).toBeGreaterThan(3)
    expect(JSON.stringify(kept)).toContain('Card testing')
  })
})
