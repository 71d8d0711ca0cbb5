import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { collectPageErrors, launchChromium } from './support/browser.ts'
import { type SandboxProcess, startSandboxProcess } from './support/sandbox-process.ts'

// A stakeholder plays the human agent on the dashboard, in a real browser against the
// built server with the reference integration attached: take the thread from the bot,
// type as the agent, hand it back, and see the bot tell the user it is automated.

let server: SandboxProcess
let browser: Browser
let page: Page
let errors: string[]

beforeAll(async () => {
  server = await startSandboxProcess(['--seed', '42', '--customers', '300', '--integration', 'reference'])
  browser = await launchChromium()
  page = await browser.newPage({ viewport: { width: 1366, height: 900 } })
  errors = collectPageErrors(page)
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await server?.stop()
})

const chatText = async () => (await page.getByTestId('chat').textContent()) ?? ''

describe('playing the human agent on the dashboard', () => {
  test('take the thread, type as the agent, hand it back: the bot says it is automated', async () => {
    await page.goto(`${server.url}/demo`)
    await page.locator('#live[data-status="live"]').waitFor({ timeout: 10_000 })
    // The user writes first: the agent answers within 7 days of the user's last message.
    await page.locator('#chat-input').fill('hello')
    await page.locator('#chat-form button[type="submit"]').click()
    await expect.poll(chatText, { timeout: 10_000 }).toContain('hello')

    await page.getByTestId('thread-owner').click() // unfold the inbox
    await page.locator('button[data-inbox-action="take"]').click()
    await page.locator('[data-testid="inbox"][data-owner="inbox"]').waitFor({ timeout: 10_000 })
    await page.locator('#agent-input').fill('Hi, this is Jo from the bank. How can I help?')
    await page.locator('form[data-inbox-action="messages"] button[type="submit"]').click()
    await expect.poll(chatText, { timeout: 10_000 }).toContain('this is Jo from the bank')
    expect(await page.locator('[data-app="inbox"]').count()).toBe(1)

    await page.locator('button[data-inbox-action="handback"]').click()
    await page.locator('[data-testid="inbox"][data-owner="integration"]').waitFor({ timeout: 10_000 })
    // The reference hears messaging_handovers and tells the user who they talk to now.
    await expect.poll(chatText, { timeout: 10_000 }).toContain('automated')
    expect(errors).toEqual([])
  }, 60_000)
})
