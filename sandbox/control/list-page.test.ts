import { describe, expect, test } from 'vitest'
import {
  bearer,
  createTestSandbox,
  firstCustomer,
  link,
  type TestSandbox,
} from '../../test/support/helpers.ts'
import { cursorAfter } from './list-page.ts'

// The control lists come a page at a time: a sandbox that ran for days holds tens of
// thousands of calls and deliveries, and one answer with all of them once took 137 MB.

interface Page<T> {
  data: T[]
  nextCursor: string | null
}

async function pages<T>(sandbox: TestSandbox, path: string): Promise<Page<T>[]> {
  const all: Page<T>[] = []
  for (let cursor: string | null = null; all.length < 100; ) {
    const sep = path.includes('?') ? '&' : '?'
    const res = await sandbox.request(cursor === null ? path : `${path}${sep}cursor=${cursor}`)
    expect(res.status).toBe(200)
    const page = (await res.json()) as Page<T>
    all.push(page)
    if (page.nextCursor === null) return all
    cursor = page.nextCursor
  }
  throw new Error('the list never ended')
}

describe('GET /sandbox/journal', () => {
  test('answers 500 calls a page, oldest first, and the pages hold every call once', async () => {
    const sandbox = createTestSandbox({ customers: 20 })
    const customer = await firstCustomer(sandbox, 'harbor')
    const { token } = await link(sandbox, 'harbor', customer.id, ['accounts:read'])
    for (let i = 0; i < 1_100; i++)
      await sandbox.request('/banks/harbor/v1/accounts', { headers: bearer(token) })

    const all = await pages<{ id: number }>(sandbox, '/sandbox/journal')
    expect(all.map((page) => page.data.length)).toEqual([500, 500, 101])
    const ids = all.flatMap((page) => page.data.map((entry) => entry.id))
    expect(ids).toEqual([...ids].sort((a, b) => a - b))
    expect(new Set(ids).size).toBe(1_101)
  })

  test('a filter pages over what it matches, and the last page promises nothing more', async () => {
    const sandbox = createTestSandbox({ customers: 20 })
    const [one, other] = [
      await firstCustomer(sandbox, 'harbor', 0),
      await firstCustomer(sandbox, 'harbor', 1),
    ]
    const mine = await link(sandbox, 'harbor', one.id, ['accounts:read'])
    const theirs = await link(sandbox, 'harbor', other.id, ['accounts:read'])
    for (let i = 0; i < 6; i++) {
      await sandbox.request('/banks/harbor/v1/accounts', { headers: bearer(mine.token) })
      await sandbox.request('/banks/harbor/v1/accounts', { headers: bearer(theirs.token) })
    }
    const all = await pages<{ consentId: string }>(
      sandbox,
      `/sandbox/journal?consentId=${mine.consent.id}&limit=3`,
    )
    expect(all.map((page) => page.data.length)).toEqual([3, 3])
    expect(all.flatMap((page) => page.data).every((entry) => entry.consentId === mine.consent.id)).toBe(true)
  })

  test.each([
    ['limit=501', 'a page over 500'],
    ['limit=0', 'an empty page'],
    ['cursor=bm9wZQ', 'a cursor it never gave'],
    [`cursor=${cursorAfter('text')}`, 'a cursor of another list'],
  ])('%s is 400 invalid_request (%s)', async (query) => {
    const sandbox = createTestSandbox({ customers: 20 })
    const res = await sandbox.request(`/sandbox/journal?${query}`)
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ code: 'invalid_request' })
  })
})

describe('GET /sandbox/webhooks', () => {
  test('pages deliveries oldest first, with filters; a cursor past a delivery no longer kept is 400', async () => {
    const sandbox = createTestSandbox({ customers: 20 })
    for (let n = 0; n < 5; n++) {
      const customer = await firstCustomer(sandbox, 'harbor', n)
      const { consent } = await link(sandbox, 'harbor', customer.id, ['accounts:read'])
      await sandbox.request(`/sandbox/banks/harbor/consents/${consent.id}/revoke`, { method: 'POST' })
    }
    const listed = sandbox.deps.outbox.list().filter((d) => d.type === 'consent.revoked')
    expect(listed).toHaveLength(5)

    const all = await pages<{ id: string; type: string }>(
      sandbox,
      '/sandbox/webhooks?type=consent.revoked&limit=2',
    )
    expect(all.map((page) => page.data.length)).toEqual([2, 2, 1])
    expect(all.flatMap((page) => page.data.map((d) => d.id))).toEqual(listed.map((d) => d.id))

    const stale = await sandbox.request(`/sandbox/webhooks?cursor=${cursorAfter('evt_gone')}`)
    expect(stale.status).toBe(400)
    expect(((await stale.json()) as { detail: string }).detail).toMatch(/no longer kept/)
  })
})
