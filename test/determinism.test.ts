import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { promisify } from 'node:util'
import { describe, expect, test } from 'vitest'
import { ALL_SCOPES, bearer, createTestSandbox, firstCustomer, link } from './support/helpers.ts'

const run = promisify(execFile)

/** A fixed tour of the API; its answers must not depend on anything but the seed and the clock. */
async function tour(seed: number) {
  const sandbox = createTestSandbox({ seed, customers: 50 })
  const answers: string[] = []
  for (const bankId of ['harbor', 'meridian']) {
    answers.push(await (await sandbox.request(`/sandbox/banks/${bankId}/customers?limit=5`)).text())
    const customer = await firstCustomer(sandbox, bankId, 1)
    const { token } = await link(sandbox, bankId, customer.id, ALL_SCOPES)
    for (const account of customer.accounts) {
      for (const path of ['/balances', '/transactions?limit=200']) {
        answers.push(
          await (
            await sandbox.request(`/banks/${bankId}/v1/accounts/${account.id}${path}`, {
              headers: bearer(token),
            })
          ).text(),
        )
      }
    }
  }
  return answers
}

describe('determinism', () => {
  test('the same seed yields the same API answers; another seed a different world', async () => {
    const first = await tour(42)
    expect(await tour(42)).toEqual(first)
    expect(await tour(43)).not.toEqual(first)
  })

  test('a reset to the same seed gives back the same world', async () => {
    const sandbox = createTestSandbox()
    const before = await (await sandbox.request('/sandbox/banks/harbor/customers?limit=20')).text()
    await sandbox.request('/sandbox/reset', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"seed":7}',
    })
    const other = await (await sandbox.request('/sandbox/banks/harbor/customers?limit=20')).text()
    await sandbox.request('/sandbox/reset', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"seed":42}',
    })
    expect(other).not.toEqual(before)
    expect(await (await sandbox.request('/sandbox/banks/harbor/customers?limit=20')).text()).toEqual(before)
  })

  test('generate gives byte-identical output across processes', async () => {
    const generate = async (seed: number) => {
      const { stdout } = await run(
        'node',
        ['bin/bank-sandbox.js', 'generate', '--seed', String(seed), '--customers', '40', '--days', '30'],
        {
          maxBuffer: 64 * 1024 * 1024,
        },
      )
      return createHash('sha256').update(stdout).digest('hex')
    }
    const [a, b, c] = await Promise.all([generate(9), generate(9), generate(10)])
    expect(a).toBe(b)
    expect(c).not.toBe(a)
  })
})
