import { createServer, request, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { launchChromium } from './support/browser.ts'
import { type SandboxProcess, startSandboxProcess } from './support/sandbox-process.ts'

// What a web page the developer happens to open can do to a sandbox on their machine, in
// a real browser against the built bin: post forms and no-cors fetches to it from another
// port of 127.0.0.1 (the same site, so even SameSite=Strict cookies go along), and read
// it through DNS rebinding (a name of the attacker's that now resolves to 127.0.0.1,
// played here by Chromium's --host-resolver-rules).

const REBOUND = 'rebound.example'
const DAY_MS = 86_400_000

let local: SandboxProcess
let keyed: SandboxProcess
let attacker: Server
let attackerUrl: string
let browser: Browser

/** The attacker's pages, each aimed at the local sandbox. */
function attackPages(target: string): Record<string, string> {
  const rotate = `${target}/sandbox/banks/harbor/webhook-secret/rotate`
  const clock = `${target}/sandbox/clock`
  const submit = '<script>document.forms[0].submit()</script>'
  return {
    '/form': `<form method="post" action="${rotate}"><input name="x" value="1"></form>${submit}`,
    // The classic way to smuggle JSON in a form: text/plain, a field name that opens it.
    '/json-form': `<form method="post" enctype="text/plain" action="${clock}"><input name='{"advanceMs":${DAY_MS},"pad":"' value='"}'></form>${submit}`,
    '/fetch': `<script>
      Promise.allSettled([
        fetch(${JSON.stringify(rotate)}, { method: 'POST', mode: 'no-cors' }),
        fetch(${JSON.stringify(clock)}, { method: 'POST', mode: 'no-cors', body: '{"advanceMs":${DAY_MS}}' }),
      ]).then(() => { document.title = 'sent' })
    </script>`,
  }
}

beforeAll(async () => {
  local = await startSandboxProcess(['--integration', 'none', '--customers', '50'])
  keyed = await startSandboxProcess(['--integration', 'none', '--customers', '50', '--admin-key', 'dash-key'])
  const pages = attackPages(local.url)
  attacker = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' })
    res.end(`<!doctype html><html><body>${pages[req.url ?? ''] ?? ''}</body></html>`)
  })
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve))
  attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`
  browser = await launchChromium([`--host-resolver-rules=MAP ${REBOUND} 127.0.0.1`])
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await new Promise((resolve) => attacker?.close(resolve))
  await local?.stop()
  await keyed?.stop()
})

async function read<T>(sandbox: SandboxProcess, path: string, headers: Record<string, string> = {}) {
  return (await (await fetch(`${sandbox.url}${path}`, { headers })).json()) as T
}

/** The statuses the sandbox answered the page's requests with, as the browser saw them. */
function sandboxAnswers(page: Page, sandbox: SandboxProcess): number[] {
  const statuses: number[] = []
  page.on('response', (response) => {
    if (response.url().startsWith(`${sandbox.url}/sandbox/`)) statuses.push(response.status())
  })
  return statuses
}

describe('a page from another origin', () => {
  test('cannot rotate a webhook secret or move the clock with forms or no-cors fetches', async () => {
    const secret = async () =>
      (await read<{ banks: { harbor: { webhookSecret: string } } }>(local, '/sandbox/credentials')).banks
        .harbor.webhookSecret
    const now = async () => (await read<{ now: string }>(local, '/sandbox/clock')).now
    const before = { secret: await secret(), now: await now() }

    const page = await browser.newPage()
    const statuses = sandboxAnswers(page, local)
    for (const form of ['/form', '/json-form']) {
      await page.goto(`${attackerUrl}${form}`)
      await page.waitForURL(`${local.url}/sandbox/**`)
      expect(await page.textContent('body')).toContain('"code":"forbidden"')
    }
    await page.goto(`${attackerUrl}/fetch`)
    await page.waitForFunction(() => document.title === 'sent')
    await page.close()

    // Every attempt reached the sandbox and was refused.
    expect(statuses).toEqual([403, 403, 403, 403])
    expect(await secret()).toBe(before.secret)
    // The clock runs in real time here: it moved by the test's seconds, not by a day.
    expect(Date.parse(await now()) - Date.parse(before.now)).toBeLessThan(60_000)
  })

  test('cannot read the credentials through DNS rebinding: a name that is not loopback gets 421', async () => {
    const page = await browser.newPage()
    const answer = await page.goto(`http://${REBOUND}:${local.port}/sandbox/credentials`)
    expect(answer?.status()).toBe(421)
    const body = (await answer?.text()) ?? ''
    expect(body).toContain('"code":"misdirected_request"')
    expect(body).not.toContain('whsec_')
    await page.close()
  })
})

describe('the Host a local sandbox answers to', () => {
  /** A raw request with a Host header of our choosing (fetch would put the URL's). */
  const withHost = (host: string) =>
    new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
      const req = request(`${local.url}/sandbox/credentials`, { headers: { Host: host } }, (res) => {
        let body = ''
        res.on('data', (chunk) => {
          body += chunk
        })
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'] ?? '', body }),
        )
      })
      req.on('error', reject)
      req.end()
    })

  test('Host: evil.example answers 421 misdirected_request as problem+json', async () => {
    const refused = await withHost('evil.example')
    expect(refused.status).toBe(421)
    expect(refused.type).toBe('application/problem+json')
    expect(JSON.parse(refused.body)).toMatchObject({ status: 421, code: 'misdirected_request' })
    expect((await withHost('127.0.0.1.evil.example')).status).toBe(421)
    expect((await withHost(`127.evil.example:${local.port}`)).status).toBe(421)
  })

  test('loopback names answer, with any port', async () => {
    for (const host of [`127.0.0.1:${local.port}`, 'localhost', `LOCALHOST:${local.port}`, '[::1]:4545'])
      expect((await withHost(host)).status, host).toBe(200)
  })
})

describe('the dashboard’s own form and calls', () => {
  test('the key form and the clock buttons of a sandbox with an admin key still work', async () => {
    const key = { 'X-Sandbox-Admin-Key': 'dash-key' }
    const before = Date.parse((await read<{ now: string }>(keyed, '/sandbox/clock', key)).now)
    const page = await browser.newPage()
    await page.goto(`${keyed.url}/demo`)
    await page.locator('input[name="key"]').fill('dash-key')
    await page.locator('input[name="key"]').press('Enter')
    await page.locator('#live[data-status="live"]').waitFor({ timeout: 10_000 })
    await page.getByRole('button', { name: '+1 day' }).click()
    await expect
      .poll(
        async () => Date.parse((await read<{ now: string }>(keyed, '/sandbox/clock', key)).now) - before,
        {
          timeout: 5_000,
        },
      )
      .toBeGreaterThanOrEqual(DAY_MS)
    await page.close()
  })
})
