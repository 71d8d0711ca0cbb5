import { afterEach, describe, expect, test } from 'vitest'
import { type RunningServer, startServer } from '../sandbox/serving/server.ts'
import { bearer, createTestSandbox, firstCustomer, link, type TestSandbox } from './support/helpers.ts'

// A transaction cursor is signed for its account and window: it pages through exactly
// what the first page asked for, and nothing else.

type Page = { data: { id: string }[]; nextCursor: string | null }

async function linkedWithTwoAccounts(sandbox: TestSandbox) {
  for (let offset = 0; offset < 20; offset++) {
    const customer = await firstCustomer(sandbox, 'harbor', offset)
    const [first, second] = customer.accounts
    if (first && second) {
      const { token } = await link(sandbox, 'harbor', customer.id, ['transactions.all:read'])
      return { token, first: first.id, second: second.id }
    }
  }
  throw new Error('no harbor customer with two accounts')
}

const transactions = (accountId: string, query: string) =>
  `/banks/harbor/v1/accounts/${accountId}/transactions?${query}`

async function page(sandbox: TestSandbox, token: string, path: string) {
  const res = await sandbox.request(path, { headers: bearer(token) })
  return { status: res.status, body: (await res.json()) as Page & { code?: string } }
}

/** The cursor with its payload (the window and position) rewritten, the signature kept. */
function widened(cursor: string): string {
  const [payload = '', mac = ''] = cursor.split('.')
  const data = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
  const forged = Buffer.from(JSON.stringify({ ...data, f: data.f - 2000 })).toString('base64url')
  return `${forged}.${mac}`
}

describe('transaction cursors', () => {
  test('a valid cursor pages through the whole window, and only that window', async () => {
    const sandbox = createTestSandbox()
    const { token, first } = await linkedWithTwoAccounts(sandbox)
    const window = 'from=2026-04-01&to=2026-06-15'
    const whole = await page(sandbox, token, transactions(first, `${window}&limit=500`))
    expect(whole.body.nextCursor).toBeNull()
    expect(whole.body.data.length).toBeGreaterThan(20)

    const paged: string[] = []
    let next = await page(sandbox, token, transactions(first, `${window}&limit=7`))
    paged.push(...next.body.data.map((txn) => txn.id))
    while (next.body.nextCursor) {
      next = await page(sandbox, token, transactions(first, `cursor=${next.body.nextCursor}&limit=7`))
      expect(next.status).toBe(200)
      paged.push(...next.body.data.map((txn) => txn.id))
    }
    expect(paged).toEqual(whole.body.data.map((txn) => txn.id))
  })

  test('an edited cursor answers 400 invalid_request', async () => {
    const sandbox = createTestSandbox()
    const { token, first } = await linkedWithTwoAccounts(sandbox)
    const { body } = await page(sandbox, token, transactions(first, 'limit=5'))
    const cursor = body.nextCursor ?? ''
    expect(cursor).not.toBe('')
    const lastChar = cursor.endsWith('A') ? 'B' : 'A'
    for (const edited of [widened(cursor), `${cursor.slice(0, -1)}${lastChar}`, `${cursor}.x`, 'e30']) {
      const res = await page(sandbox, token, transactions(first, `cursor=${edited}`))
      expect(res.status, edited).toBe(400)
      expect(res.body.code).toBe('invalid_request')
    }
  })

  test('a cursor for one account used on another answers 400 invalid_request', async () => {
    const sandbox = createTestSandbox()
    const { token, first, second } = await linkedWithTwoAccounts(sandbox)
    const { body } = await page(sandbox, token, transactions(first, 'limit=5'))
    const foreign = await page(sandbox, token, transactions(second, `cursor=${body.nextCursor}`))
    expect(foreign.status).toBe(400)
    expect(foreign.body.code).toBe('invalid_request')
  })

  test('a cursor from another sandbox process answers 400 invalid_request', async () => {
    const one = createTestSandbox()
    const other = createTestSandbox()
    const a = await linkedWithTwoAccounts(one)
    const b = await linkedWithTwoAccounts(other)
    const { body } = await page(one, a.token, transactions(a.first, 'limit=5'))
    const res = await page(other, b.token, transactions(b.first, `cursor=${body.nextCursor}`))
    expect(res.status).toBe(400)
  })
})

describe('transaction cursors over a real socket', () => {
  let server: RunningServer | undefined
  afterEach(() => server?.close())

  test('an edited cursor answers 400 problem+json', async () => {
    const sandbox = createTestSandbox()
    const { token, first } = await linkedWithTwoAccounts(sandbox)
    server = await startServer(sandbox.deps, { port: 0, host: '127.0.0.1' })
    const get = (query: string) =>
      fetch(`${server?.url}${transactions(first, query)}`, { headers: bearer(token) })
    const { nextCursor } = (await (await get('limit=5')).json()) as Page
    expect((await get(`cursor=${nextCursor}`)).status).toBe(200)
    const res = await get(`cursor=${widened(nextCursor ?? '')}`)
    expect(res.status).toBe(400)
    expect(res.headers.get('content-type')).toBe('application/problem+json')
    expect(await res.json()).toMatchObject({ code: 'invalid_request', status: 400 })
  })
})
