import { createSandboxClient, type SandboxClient } from '../../sandbox/client.ts'
import { createDeps, type Deps } from '../../sandbox/deps.ts'
import { startServer } from '../../sandbox/serving/server.ts'
import { createClock } from '../../sandbox/time/clock.ts'

// The sandbox as the provider under verification: in this process, on an ephemeral
// loopback port, on a frozen clock so that a pact verifies the same way every time.
// Provider states drive it through its control API, like any scenario would.

/** Where the frozen clock starts. Any instant would do; a fixed one makes runs repeatable. */
export const VERIFY_START = Date.parse('2026-06-15T12:00:00.000Z')

export interface VerificationSandbox {
  readonly url: string
  readonly deps: Deps
  readonly control: SandboxClient
  /**
   * What the current interaction's provider states set up (ids, tokens, a cursor): the
   * values `fromProviderState` expressions read, and what message providers build from.
   */
  context: Record<string, string>
  /** A fresh world and an empty context: each interaction starts from nothing. */
  startInteraction(): Promise<void>
  /** The bank API as the integration calls it, with the context's access token. */
  bank<T>(method: string, path: string, body?: unknown): Promise<T>
  /** The OAuth token endpoint, with the sandbox's own client credentials. */
  token(
    bankId: string,
    form: Record<string, string>,
  ): Promise<{ access_token: string; refresh_token: string }>
  close(): Promise<void>
}

export async function startVerificationSandbox(
  options: { seed?: number; customers?: number } = {},
): Promise<VerificationSandbox> {
  const clock = createClock({ startMs: VERIFY_START, mode: 'frozen', wallNow: Date.now })
  const deps = createDeps({ seed: options.seed ?? 42, customers: options.customers ?? 1000, days: 90, clock })
  const server = await startServer(deps, { port: 0, host: '127.0.0.1' })
  const control = createSandboxClient(server.url)

  async function request<T>(path: string, init: RequestInit, what: string): Promise<T> {
    const res = await fetch(`${server.url}${path}`, init)
    const text = await res.text()
    if (!res.ok) throw new Error(`${what} answered ${res.status}: ${text.slice(0, 300)}`)
    return (text ? JSON.parse(text) : undefined) as T
  }

  const sandbox: VerificationSandbox = {
    url: server.url,
    deps,
    control,
    context: {},
    async startInteraction() {
      sandbox.context = {}
      await control.call('POST', '/sandbox/reset', {})
    },
    bank(method, path, body) {
      const { bankId, accessToken } = sandbox.context
      if (!bankId || !accessToken)
        throw new Error('Needs "a linked customer" first: there is no access token.')
      const headers: Record<string, string> = { Authorization: `Bearer ${accessToken}` }
      if (body !== undefined) headers['Content-Type'] = 'application/json'
      const init = { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }
      return request(`/banks/${bankId}${path}`, init, `${method} /banks/${bankId}${path}`)
    },
    token(bankId, form) {
      const init = {
        method: 'POST',
        headers: {
          Authorization: clientAuthorization(deps),
          'Content-Type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams(form).toString(),
      }
      return request(`/banks/${bankId}/oauth/token`, init, 'The token endpoint')
    },
    close: () => server.close(),
  }
  return sandbox
}

/** HTTP Basic with the sandbox's client credentials (they are per process, never in a pact). */
export function clientAuthorization(deps: Deps): string {
  const { clientId, clientSecret } = deps.credentials
  return `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`
}
