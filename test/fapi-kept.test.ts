import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { clientAssertion, createDpopKey } from '../fixtures/reference/fapi.ts'
import { createDeps } from '../sandbox/deps.ts'
import { createApp } from '../sandbox/serving/app.ts'
import { sqliteEngine } from '../sandbox/store/sqlite.ts'
import { createStore } from '../sandbox/store/store.ts'
import { createClock } from '../sandbox/time/clock.ts'
import { createFapiClient, ISSUER, NOW_S, REDIRECT_URI } from './support/fapi.ts'
import { TEST_NOW } from './support/helpers.ts'

// Summit's state lives in the store's tables like every bank's records: a --data-dir
// sandbox keeps a registered JWK Set, an unused request_uri, the proofs seen and the
// nonce across a restart.

describe('summit’s kept state', () => {
  test('a --data-dir store keeps the client’s keys, pushed requests, proofs seen and the nonce', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bank-sandbox-fapi-'))
    const open = async () => {
      const engine = sqliteEngine(dir)
      const deps = createDeps({
        seed: 42,
        customers: 60,
        days: 30,
        store: createStore(engine, await engine.load()),
        clock: createClock({ startMs: TEST_NOW, mode: 'frozen', wallNow: () => TEST_NOW }),
      })
      const app = createApp(deps)
      return { deps, app, request: (path: string, init?: RequestInit) => app.request(path, init) }
    }
    try {
      const first = await open()
      const c = await createFapiClient(first)
      const own = await createDpopKey()
      const put = await first.request(`/sandbox/banks/summit/clients/${c.clientId}/jwks`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ keys: [{ ...own.publicJwk, kid: 'k1' }] }),
      })
      expect(put.status).toBe(200)
      const mine = () =>
        clientAssertion(own.privateKey, {
          clientId: c.clientId,
          audience: ISSUER,
          kid: 'k1',
          nowSeconds: NOW_S,
        })
      const pushed = await c.par({ client_assertion: await mine() })
      const { request_uri } = (await pushed.json()) as { request_uri: string }
      const challenge = await c.token(
        { grant_type: 'refresh_token', refresh_token: 'rt_none', client_assertion: await mine() },
        undefined,
      )
      const nonce = challenge.headers.get('DPoP-Nonce') ?? ''
      expect(nonce).not.toBe('')
      const proof = await c.proof({ htm: 'POST', htu: `${ISSUER}/oauth/token`, nonce })
      await c.token(
        { grant_type: 'refresh_token', refresh_token: 'rt_none', client_assertion: await mine() },
        proof,
      )
      await first.deps.store.flushed()
      await first.deps.store.close()

      const second = await open()
      const again = await createFapiClient(second)
      // The registered key still authenticates; the request_uri still answers; the nonce is the same.
      expect((await again.par({ client_assertion: await mine() })).status).toBe(201)
      const answer = await second.request(
        '/banks/summit/oauth/authorize',
        new Request('http://localhost/banks/summit/oauth/authorize', {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            client_id: c.clientId,
            request_uri,
            decision: 'approve',
            customer_id: again.customerId,
          }),
        }),
      )
      expect(answer.headers.get('Location')).toContain(`${REDIRECT_URI}?`)
      expect(second.deps.state.dpopNonces.get('summit')?.nonce).toBe(nonce)
      // The proof seen before the restart is still a replay after it.
      const replay = await again.token(
        { grant_type: 'refresh_token', refresh_token: 'rt_none', client_assertion: await mine() },
        proof,
      )
      expect(((await replay.json()) as { error: string }).error).toBe('invalid_dpop_proof')
      await second.deps.store.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
