import { afterEach, describe, expect, test } from 'vitest'
import type { Scope } from '../sandbox/bank/policy.ts'
import type { ScenarioRunner } from '../sandbox/control/scenario-runner.ts'
import type { Deps } from '../sandbox/deps.ts'
import { type Serving, startServing } from '../sandbox/serving/start.ts'
import { createClock } from '../sandbox/time/clock.ts'
import { createScenarioRunner } from '../scenarios/dashboard-runner.ts'
import { bearer, link, postJson } from './support/helpers.ts'

// Worlds: isolated tenants on one server. Each isolation point is checked pairwise: what
// one world changes shows neither in another world nor in the default one.

const NOW = Date.parse('2026-06-15T12:00:00.000Z')
const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const close of cleanups.splice(0).reverse()) await close()
})

interface WorldView {
  id: string | null
  deps: Deps
  credentials: { clientId: string; clientSecret: string; platform: { pageToken: string } }
  request(path: string, init?: RequestInit): Promise<Response>
}

async function serve(
  options: {
    maxWorlds?: number
    worldTtlMs?: number
    wallNow?: () => number
    scenarios?: ScenarioRunner
    adminKey?: string
  } = {},
) {
  const wallNow = options.wallNow ?? Date.now
  const serving = await startServing({
    port: 0,
    host: '127.0.0.1',
    seed: 42,
    customers: 200,
    days: 30,
    clock: createClock({ startMs: NOW, mode: 'frozen', wallNow }),
    integration: null,
    ...(options.maxWorlds === undefined ? {} : { maxWorlds: options.maxWorlds }),
    ...(options.worldTtlMs === undefined ? {} : { worldTtlMs: options.worldTtlMs }),
    ...(options.scenarios ? { scenarios: options.scenarios } : {}),
    ...(options.adminKey ? { adminKey: options.adminKey } : {}),
  })
  cleanups.push(serving.close)
  return serving
}

function view(serving: Serving, id: string | null): WorldView {
  const deps = id === null ? serving.deps : serving.deps.server.worlds?.peek(id)?.deps
  if (!deps) throw new Error(`no world ${id}`)
  return {
    id,
    deps,
    credentials: deps.credentials,
    request: (path, init = {}) =>
      fetch(`${serving.url}${path}`, {
        ...init,
        headers: { ...(init.headers as Record<string, string>), ...(id ? { 'X-Sandbox-World': id } : {}) },
      }),
  }
}

async function makeWorld(serving: Serving, body: unknown = {}) {
  const res = await fetch(`${serving.url}/sandbox/worlds`, postJson(body))
  expect(res.status).toBe(201)
  const world = (await res.json()) as { id: string; seed: number; credentials: WorldView['credentials'] }
  return { ...world, view: view(serving, world.id) }
}

async function firstCustomerOf(world: WorldView, bankId = 'harbor') {
  const res = await world.request(`/sandbox/banks/${bankId}/customers?limit=1`)
  const body = (await res.json()) as {
    data: { id: string; platformUserId: string; accounts: { id: string }[] }[]
  }
  const customer = body.data[0]
  if (!customer) throw new Error('no customer')
  return customer
}

const READ: Scope[] = ['accounts:read', 'balances:read', 'transactions:read']

describe('making, listing and deleting worlds', () => {
  test('a world has its own random credentials, and is listed until deleted', async () => {
    const serving = await serve()
    const a = await makeWorld(serving, { seed: 7 })
    const b = await makeWorld(serving)
    expect(a.id).toMatch(/^wld_[a-z0-9]+$/)
    expect(a.seed).toBe(7)
    expect(b.seed).toBe(42)
    const defaults = serving.deps.credentials
    for (const other of [defaults, b.credentials]) {
      expect(a.credentials.clientSecret).not.toBe(other.clientSecret)
      expect(a.credentials.platform.pageToken).not.toBe(other.platform.pageToken)
    }
    const listed = (await (await fetch(`${serving.url}/sandbox/worlds?limit=1`)).json()) as {
      data: { id: string }[]
      nextCursor: string | null
    }
    expect(listed.data.map((w) => w.id)).toEqual([a.id])
    const next = (await (
      await fetch(`${serving.url}/sandbox/worlds?cursor=${listed.nextCursor}`)
    ).json()) as {
      data: { id: string }[]
      nextCursor: string | null
    }
    expect(next).toMatchObject({ data: [{ id: b.id }], nextCursor: null })

    expect((await fetch(`${serving.url}/sandbox/worlds/${a.id}`, { method: 'DELETE' })).status).toBe(204)
    expect((await fetch(`${serving.url}/sandbox/worlds/${a.id}`, { method: 'DELETE' })).status).toBe(404)
    const gone = await fetch(`${serving.url}/sandbox/clock`, { headers: { 'X-Sandbox-World': a.id } })
    expect(gone.status).toBe(404)
    expect(await gone.json()).toMatchObject({ code: 'not_found' })
  })

  test('a deleted world’s tokens answer 401, while another world’s still work', async () => {
    const serving = await serve()
    const a = await makeWorld(serving)
    const b = await makeWorld(serving)
    const tokens: Record<string, string> = {}
    for (const world of [a, b]) {
      const customer = await firstCustomerOf(world.view)
      tokens[world.id] = (await link(world.view, 'harbor', customer.id, READ)).token
    }
    expect(tokens[a.id]).toContain(a.id)
    const accounts = (token: string) =>
      fetch(`${serving.url}/banks/harbor/v1/accounts`, { headers: bearer(token) })
    expect((await accounts(tokens[a.id] as string)).status).toBe(200)

    await fetch(`${serving.url}/sandbox/worlds/${a.id}`, { method: 'DELETE' })
    const refused = await accounts(tokens[a.id] as string)
    expect(refused.status).toBe(401)
    expect(await refused.json()).toMatchObject({ code: 'invalid_token' })
    expect((await accounts(tokens[b.id] as string)).status).toBe(200)
  })

  test('a full server answers 429 rate_limited and says what to do', async () => {
    const serving = await serve({ maxWorlds: 2 })
    await makeWorld(serving)
    const second = await makeWorld(serving)
    const full = await fetch(`${serving.url}/sandbox/worlds`, postJson({}))
    expect(full.status).toBe(429)
    const problem = (await full.json()) as { code: string; detail: string }
    expect(problem.code).toBe('rate_limited')
    expect(problem.detail).toContain('limit of 2 live worlds')
    await fetch(`${serving.url}/sandbox/worlds/${second.id}`, { method: 'DELETE' })
    expect((await fetch(`${serving.url}/sandbox/worlds`, postJson({}))).status).toBe(201)
  })

  test('an idle world expires: its id answers 404 and its tokens 401', async () => {
    let wall = Date.now()
    const serving = await serve({ worldTtlMs: 60_000, wallNow: () => wall })
    const a = await makeWorld(serving)
    const customer = await firstCustomerOf(a.view)
    const { token } = await link(a.view, 'harbor', customer.id, READ)
    wall += 59_000
    expect((await a.view.request('/sandbox/clock')).status).toBe(200) // used: the TTL starts again
    wall += 59_000
    expect((await fetch(`${serving.url}/banks/harbor/v1/accounts`, { headers: bearer(token) })).status).toBe(
      200,
    )
    wall += 61_000
    const expired = await a.view.request('/sandbox/clock')
    expect(expired.status).toBe(404)
    expect(await expired.json()).toMatchObject({ code: 'not_found' })
    expect((await fetch(`${serving.url}/banks/harbor/v1/accounts`, { headers: bearer(token) })).status).toBe(
      401,
    )
    expect(serving.deps.server.worlds?.list()).toEqual([])
  })

  test('world ids are random, not a process tag and a counter that give the next one away', async () => {
    const serving = await serve()
    const ids = [(await makeWorld(serving)).id, (await makeWorld(serving)).id]
    for (const id of ids) expect(id).toMatch(/^wld_[a-z]{20}$/)
    // Counter ids of one process shared everything but their last few characters.
    expect(ids[0]?.slice(0, 14)).not.toBe(ids[1]?.slice(0, 14))
  })

  test('a world header that is not a world id is a 400, not the default world', async () => {
    const serving = await serve()
    const res = await fetch(`${serving.url}/sandbox/clock`, { headers: { 'X-Sandbox-World': 'default' } })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ code: 'invalid_request' })
  })

  test('bad bodies are refused with problem+json', async () => {
    const serving = await serve()
    const res = await fetch(`${serving.url}/sandbox/worlds`, postJson({ customers: 0 }))
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ code: 'invalid_request' })
  })
})

describe('nothing one world does shows in another', () => {
  /** World A changes something; A shows it, B and the default world do not. */
  async function pairwise(
    change: (a: WorldView) => Promise<void>,
    observe: (w: WorldView) => Promise<unknown>,
  ) {
    const serving = await serve()
    const a = (await makeWorld(serving)).view
    const b = (await makeWorld(serving)).view
    const fallback = view(serving, null)
    const before = await Promise.all([a, b, fallback].map(observe))
    await change(a)
    const after = await Promise.all([a, b, fallback].map(observe))
    expect(after[0]).not.toEqual(before[0])
    expect(after[1]).toEqual(before[1])
    expect(after[2]).toEqual(before[2])
  }
  const json = async (res: Promise<Response>) => (await res).json()

  test('clock', () =>
    pairwise(
      async (a) => {
        await a.request('/sandbox/clock', postJson({ advanceMs: 86_400_000 }))
      },
      (w) => json(w.request('/sandbox/clock')),
    ))

  test('reset', () =>
    pairwise(
      async (a) => {
        await a.request('/sandbox/reset', postJson({ seed: 9 }))
      },
      (w) => json(w.request('/sandbox/banks/harbor/customers?limit=1')),
    ))

  test('partnership', () =>
    pairwise(
      async (a) => {
        await a.request('/sandbox/banks/harbor/partnership', postJson({ status: 'terminated' }))
      },
      async (w) => {
        const customer = await firstCustomerOf(w)
        const res = await w.request(
          `/sandbox/banks/harbor/customers/${customer.id}/consents`,
          postJson({ scopes: READ, purpose: 'account_servicing' }),
        )
        return res.status
      },
    ))

  test('faults', () =>
    pairwise(
      async (a) => {
        await a.request('/sandbox/banks/harbor/faults', {
          method: 'PUT',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ status: 503, errorRate: 1 }),
        })
      },
      async (w) => {
        const customer = await firstCustomerOf(w)
        const token = await link(w, 'harbor', customer.id, READ).then(
          (linked) => linked.token,
          () => 'refused',
        )
        return (await w.request('/banks/harbor/v1/accounts', { headers: bearer(token) })).status
      },
    ))

  test('attached integration', () =>
    pairwise(
      async (a) => {
        await a.request('/sandbox/integration', {
          method: 'PUT',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ url: 'http://127.0.0.1:9/integration' }),
        })
      },
      (w) => json(w.request('/sandbox/integration')),
    ))

  test('journal and consents', () =>
    pairwise(
      async (a) => {
        const customer = await firstCustomerOf(a)
        const { token } = await link(a, 'harbor', customer.id, READ)
        await a.request('/banks/harbor/v1/accounts', { headers: bearer(token) })
      },
      async (w) => [
        ((await json(w.request('/sandbox/journal'))) as { data: unknown[] }).data.length,
        await json(w.request(`/sandbox/banks/harbor/consents`)),
      ],
    ))

  test('chat: the Send API with a world’s page token writes to that world’s chat', () =>
    pairwise(
      async (a) => {
        const customer = await firstCustomerOf(a)
        const sent = await a.request(
          '/platform/v1/messages',
          postJson(
            { recipient: { id: customer.platformUserId }, message: { text: 'hello from world A' } },
            bearer(a.credentials.platform.pageToken),
          ),
        )
        expect(sent.status).toBe(200)
      },
      async (w) => {
        const customer = await firstCustomerOf(w)
        return json(w.request(`/sandbox/platform/users/${customer.platformUserId}/messages`))
      },
    ))

  test('events: a subscriber to one world hears nothing of another', async () => {
    const serving = await serve()
    const a = (await makeWorld(serving)).view
    const b = (await makeWorld(serving)).view
    const heard: string[] = []
    const controller = new AbortController()
    const stream = await b.request('/sandbox/events', { signal: controller.signal })
    const reading = (async () => {
      const decoder = new TextDecoder()
      for await (const chunk of stream.body as unknown as AsyncIterable<Uint8Array>)
        heard.push(decoder.decode(chunk))
    })().catch(() => undefined)
    await a.request('/sandbox/clock', postJson({ advanceMs: 1000 }))
    await b.request('/sandbox/banks/harbor/faults', { method: 'DELETE' })
    await b.request('/sandbox/clock', postJson({ advanceMs: 2000 }))
    await new Promise((resolve) => setTimeout(resolve, 200))
    controller.abort()
    await reading
    const moves = heard.join('').match(/"kind":"clock\.moved"/g) ?? []
    expect(moves).toHaveLength(1)
  })
})

describe('the dashboard picks a world', () => {
  test('the picker keeps the choice in a cookie that routes the page and its control calls', async () => {
    const serving = await serve()
    const a = await makeWorld(serving, { seed: 5 })
    await a.view.request('/sandbox/clock', postJson({ advanceMs: 3 * 86_400_000 }))

    const page = await fetch(`${serving.url}/demo`)
    expect(await page.text()).toContain(`<option value="${a.id}">`)

    const picked = await fetch(`${serving.url}/demo/world?id=${a.id}`, { redirect: 'manual' })
    expect(picked.status).toBe(303)
    const cookie = (picked.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
    expect(cookie).toBe(`sandbox_world=${a.id}`)

    const shown = await (await fetch(`${serving.url}/demo`, { headers: { Cookie: cookie } })).text()
    expect(shown).toContain(`<option value="${a.id}" selected="">`)
    const clock = (await (
      await fetch(`${serving.url}/sandbox/clock`, { headers: { Cookie: cookie } })
    ).json()) as {
      now: string
    }
    expect(clock.now).toBe(new Date(NOW + 3 * 86_400_000).toISOString())
  })

  test('a deleted world’s cookie answers 404 like the header, and moves no other world’s clock', async () => {
    const serving = await serve()
    const a = await makeWorld(serving)
    const cookie = `sandbox_world=${a.id}`
    await fetch(`${serving.url}/sandbox/worlds/${a.id}`, { method: 'DELETE' })

    const moved = await fetch(`${serving.url}/sandbox/clock`, {
      ...postJson({ advanceMs: 86_400_000 }),
      headers: { 'Content-Type': 'application/json', Cookie: cookie },
    })
    expect(moved.status).toBe(404)
    expect(await moved.json()).toMatchObject({ code: 'not_found' })
    expect((await fetch(`${serving.url}/sandbox/clock`, { headers: { Cookie: cookie } })).status).toBe(404)
    const clock = (await (await fetch(`${serving.url}/sandbox/clock`)).json()) as { now: string }
    expect(clock.now).toBe(new Date(NOW).toISOString())

    // The page itself drops the stale choice and shows again; the picker still answers.
    const page = await fetch(`${serving.url}/demo?bank=harbor`, {
      headers: { Cookie: cookie },
      redirect: 'manual',
    })
    expect(page.status).toBe(303)
    expect(page.headers.get('location')).toBe('/demo?bank=harbor')
    expect(page.headers.get('set-cookie')).toMatch(/^sandbox_world=; Max-Age=0/)
    const picked = await fetch(`${serving.url}/demo/world?id=default`, {
      headers: { Cookie: cookie },
      redirect: 'manual',
    })
    expect(picked.status).toBe(303)
  })
})

describe('a shared server says nothing of its worlds without the key', () => {
  const KEY = 'worlds-admin-key'
  const keyed = { 'X-Sandbox-Admin-Key': KEY }

  /** Status, Location, Set-Cookie and body: everything an answer could give away. */
  async function seen(res: Response) {
    return {
      status: res.status,
      location: res.headers.get('location'),
      cookie: res.headers.get('set-cookie'),
      body: await res.text(),
    }
  }

  test('the picker, the header and the cookie answer alike for a live world and an unknown one', async () => {
    const serving = await serve({ adminKey: KEY })
    const made = await fetch(`${serving.url}/sandbox/worlds`, postJson({}, keyed))
    const live = ((await made.json()) as { id: string }).id
    const unknown = 'wld_abcdefghijklmnopqrst'
    const ask = async (id: string) => ({
      picker: await seen(await fetch(`${serving.url}/demo/world?id=${id}`, { redirect: 'manual' })),
      header: await seen(await fetch(`${serving.url}/sandbox/clock`, { headers: { 'X-Sandbox-World': id } })),
      cookie: await seen(
        await fetch(`${serving.url}/sandbox/clock`, { headers: { Cookie: `sandbox_world=${id}` } }),
      ),
      page: await seen(
        await fetch(`${serving.url}/demo`, {
          headers: { Cookie: `sandbox_world=${id}` },
          redirect: 'manual',
        }),
      ),
    })
    const answers = await ask(live)
    expect(answers).toEqual(await ask(unknown))
    expect(answers.picker.cookie).toMatch(/^sandbox_world=; Max-Age=0/)
    expect(answers.header.status).toBe(403)

    // With the key the picker picks it, and an unknown world is a 404.
    const picked = await fetch(`${serving.url}/demo/world?id=${live}`, { headers: keyed, redirect: 'manual' })
    expect(picked.headers.get('set-cookie')).toMatch(new RegExp(`^sandbox_world=${live};`))
    const gone = await fetch(`${serving.url}/sandbox/clock`, {
      headers: { ...keyed, 'X-Sandbox-World': unknown },
    })
    expect(gone.status).toBe(404)
  })
})

describe('a built-in integration in a world', () => {
  test('runs with the world’s credentials, and the dashboard’s scenario run stays in the world', async () => {
    const serving = await serve({ scenarios: createScenarioRunner() })
    const a = (await makeWorld(serving)).view
    const attached = await a.request('/sandbox/integration', {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ url: 'reference' }),
    })
    expect(attached.status).toBe(200)
    const controller = new AbortController()
    const stream = await a.request('/sandbox/events', { signal: controller.signal })
    const started = await a.request('/sandbox/scenarios/consent-revoked/runs', { method: 'POST' })
    expect(started.status).toBe(202)
    let heard = ''
    const decoder = new TextDecoder()
    for await (const chunk of stream.body as unknown as AsyncIterable<Uint8Array>) {
      heard += decoder.decode(chunk)
      if (heard.includes('"kind":"scenario.finished"')) break
    }
    controller.abort()
    const finished = heard.slice(heard.indexOf('"kind":"scenario.finished"'))
    expect(finished).toContain('"passed":true')
    // The run's calls went to the world; the default world saw none.
    const journal = async (w: WorldView) =>
      ((await (await w.request('/sandbox/journal')).json()) as { data: unknown[] }).data.length
    expect(await journal(a)).toBeGreaterThan(0)
    expect(await journal(view(serving, null))).toBe(0)
  }, 60_000)
})
