import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { collectPageErrors, launchChromium } from './support/browser.ts'
import { type SandboxProcess, startSandboxProcess } from './support/sandbox-process.ts'

// A dispute's deadlines on the dashboard, beside the chat, in a real browser: filed, the
// provisional credit's date and the decision's, each filled in once the clock passes it.

let server: SandboxProcess
let browser: Browser
let page: Page
let errors: string[]

async function call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`)
  return (await res.json()) as T
}

/** A harbor customer who disputed a $45.99 charge at ZEPHYR TOYS through the bank API. */
async function disputedCharge() {
  const person = await call<{
    platformUserId: string
    banks: Record<string, { customerId: string; cardId: string }>
  }>('POST', '/sandbox/people/claim', { banks: ['harbor'] })
  const at = person.banks.harbor
  if (!at) throw new Error('no harbor customer')
  const { code } = await call<{ code: string }>(
    'POST',
    `/sandbox/banks/harbor/customers/${at.customerId}/consents`,
    {
      scopes: ['accounts:read', 'disputes:write'],
      purpose: 'customer_support',
    },
  )
  const { clientId, clientSecret } = await call<{ clientId: string; clientSecret: string }>(
    'GET',
    '/sandbox/credentials',
  )
  const res = await fetch(`${server.url}/banks/harbor/oauth/token`, {
    method: 'POST',
    headers: {
      Authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'authorization_code', code }).toString(),
  })
  const { access_token: token } = (await res.json()) as { access_token: string }
  const { data } = await call<{ data: { id: string }[] }>(
    'POST',
    `/sandbox/banks/harbor/cards/${at.cardId}/transactions`,
    { amount: { amount: -4599, currency: 'USD' }, merchant: 'ZEPHYR TOYS', channel: 'platform' },
  )
  const dispute = await call<{ id: string; provisionalCreditDueOn: string; decisionDueOn: string }>(
    'POST',
    '/banks/harbor/v1/disputes',
    { transactionId: data[0]?.id, reason: 'unrecognized' },
    { Authorization: `Bearer ${token}` },
  )
  return { customerId: at.customerId, userId: person.platformUserId, dispute }
}

const step = (name: string) => page.getByTestId('dispute-timeline').locator(`[data-step="${name}"]`)

beforeAll(async () => {
  server = await startSandboxProcess(['--seed', '42', '--customers', '300'])
  browser = await launchChromium()
  page = await browser.newPage({ viewport: { width: 1366, height: 768 } })
  errors = collectPageErrors(page)
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await server?.stop()
})

describe('the dispute timeline beside the chat', () => {
  test('shows the filing, the provisional-credit date and the decision date, filled in as the clock passes them, and quick replies in the chat', async () => {
    const { customerId, userId, dispute } = await disputedCharge()
    await page.goto(`${server.url}/demo?bank=harbor&person=${customerId}`)
    await page.locator('#live[data-status="live"]').waitFor({ timeout: 10_000 })
    expect(await page.getByTestId('disputes').textContent()).toContain('ZEPHYR TOYS')
    expect(await step('filed').getAttribute('data-done')).toBe('true')
    expect(await step('credit').getAttribute('data-date')).toBe(dispute.provisionalCreditDueOn)
    expect(await step('credit').getAttribute('data-done')).toBe('false')
    expect(await step('decision').getAttribute('data-date')).toBe(dispute.decisionDueOn)
    expect(await step('decision').isVisible()).toBe(true)

    // The credit's date passes: the dashboard hears dispute.updated and fills the step in.
    await call('POST', '/sandbox/clock', { to: `${dispute.provisionalCreditDueOn}T12:00:00.000Z` })
    await expect.poll(() => step('credit').getAttribute('data-done'), { timeout: 10_000 }).toBe('true')
    expect(await step('decision').getAttribute('data-done')).toBe('false')

    await call('POST', '/sandbox/clock', { to: `${dispute.decisionDueOn}T12:00:00.000Z` })
    await expect.poll(() => step('decision').getAttribute('data-done'), { timeout: 10_000 }).toBe('true')
    expect(await page.locator('[data-dispute-id]').getAttribute('data-status')).toBe('resolved')

    // Quick replies the integration offers show under its message in the chat.
    const { platform } = await call<{ platform: { pageToken: string } }>('GET', '/sandbox/credentials')
    await call(
      'POST',
      '/platform/v1/messages',
      {
        recipient: { id: userId },
        message: {
          text: 'Which charge?',
          quick_replies: [{ content_type: 'text', title: 'ZEPHYR TOYS $45.99', payload: 'dispute:1' }],
        },
      },
      { Authorization: `Bearer ${platform.pageToken}` },
    )
    await expect
      .poll(() => page.getByTestId('quick-replies').textContent(), { timeout: 10_000 })
      .toContain('ZEPHYR TOYS $45.99')
    expect(errors).toEqual([])
  })
})
