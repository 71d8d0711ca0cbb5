import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type SandboxProcess, startSandboxProcess } from './support/sandbox-process.ts'

// Every HTML page the built server serves, and everything those pages load, answers 200
// with the right type. The server is `bin/bank-sandbox.js serve`, the bundle users run: a
// file the sources find beside them but the bundle does not (the dashboard's assets once)
// shows up here and nowhere in the in-process tests.

const TYPES: Record<string, RegExp> = {
  css: /^text\/css/,
  js: /^(text|application)\/javascript/,
  png: /^image\/png/,
  svg: /^image\/svg\+xml/,
  ico: /^image\//,
}

let sandbox: SandboxProcess

beforeAll(async () => {
  sandbox = await startSandboxProcess(['--seed', '42', '--customers', '50', '--integration', 'none'])
}, 30_000)
afterAll(() => sandbox?.stop())

async function consentId(): Promise<string> {
  const customers = (await (await fetch(`${sandbox.url}/sandbox/banks/harbor/customers?limit=1`)).json()) as {
    data: { id: string }[]
  }
  const res = await fetch(`${sandbox.url}/sandbox/banks/harbor/customers/${customers.data[0]?.id}/consents`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ scopes: ['balances:read'], purpose: 'account_servicing' }),
  })
  expect(res.status).toBe(201)
  return ((await res.json()) as { consent: { id: string } }).consent.id
}

/** Scripts, styles and images an HTML page names, as absolute URLs (data: URLs carry themselves). */
function referencedBy(html: string, base: string): string[] {
  const tags = html.match(/<(script|link|img)\b[^>]*>/g) ?? []
  const urls = tags.flatMap((tag) => [...tag.matchAll(/\b(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? ''))
  return urls.filter((url) => !url.startsWith('data:')).map((url) => new URL(url, base).toString())
}

/** The modules a script imports: the dashboard's scripts load each other. */
function importedBy(script: string, base: string): string[] {
  return [...script.matchAll(/\bfrom\s+'(\.{1,2}\/[^']+)'/g)].map((m) => new URL(m[1] ?? '', base).toString())
}

async function fetchAll(pageUrl: string): Promise<Map<string, Response>> {
  const page = await fetch(pageUrl, { headers: { Accept: 'text/html' } })
  expect(page.status, pageUrl).toBe(200)
  expect(page.headers.get('content-type'), pageUrl).toMatch(/^text\/html/)
  const queue = referencedBy(await page.text(), pageUrl)
  const fetched = new Map<string, Response>()
  while (queue.length > 0) {
    const url = queue.shift() ?? ''
    if (fetched.has(url)) continue
    const res = await fetch(url)
    fetched.set(url, res)
    if (url.endsWith('.js') && res.ok) queue.push(...importedBy(await res.clone().text(), url))
  }
  return fetched
}

describe('the built server', () => {
  test.each([
    ['the dashboard', '/demo', 5],
    ['the API docs', '/docs', 2],
  ])('serves %s and every script, style and image it loads', async (_name, path, atLeast) => {
    const loaded = await fetchAll(`${sandbox.url}${path}`)
    expect(loaded.size).toBeGreaterThanOrEqual(atLeast)
    for (const [url, res] of loaded) {
      expect(res.status, url).toBe(200)
      const extension = new URL(url).pathname.split('.').pop() ?? ''
      expect(TYPES[extension], `no known type for ${url}`).toBeDefined()
      expect(res.headers.get('content-type'), url).toMatch(TYPES[extension] ?? /^$/)
      expect((await res.arrayBuffer()).byteLength, url).toBeGreaterThan(0)
    }
  })

  // The receipt carries its own styles (it is also saved as a file), so it loads nothing.
  test("serves a consent's receipt, which loads nothing from elsewhere", async () => {
    const loaded = await fetchAll(`${sandbox.url}/demo/consents/${await consentId()}`)
    expect([...loaded.keys()]).toEqual([])
  })
})
