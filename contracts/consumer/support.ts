import { MatchersV3, PactV4 } from '@pact-foundation/pact'
import type { ReferenceConfig } from '../../fixtures/reference/config.ts'
import { NO_QUIRKS } from '../../fixtures/reference/config.ts'
import { createStore, type Link } from '../../fixtures/reference/store.ts'
import { CONSUMER, PACT_DIR } from '../vocabulary.ts'

// What the consumer tests share: a pact per provider, the reference integration
// configured against a Pact mock server, and matchers for the wire shapes of the API.

const { integer, like, regex } = MatchersV3

type RequestBuilder = Parameters<
  NonNullable<Parameters<ReturnType<PactV4['addInteraction']>['withRequest']>[2]>
>[0]

export function consumerPact(provider: string) {
  return new PactV4({ consumer: CONSUMER, provider, dir: PACT_DIR, logLevel: 'warn' })
}

/**
 * Example credentials. The verifier swaps them for the sandbox's own (they are per
 * process, not part of the contract), so any value of the right shape will do.
 */
export function referenceConfig(sandboxUrl: string): ReferenceConfig {
  return {
    sandboxUrl,
    selfUrl: 'http://127.0.0.1:5000',
    quirks: NO_QUIRKS,
    credentials: {
      clientId: 'platform-demo',
      clientSecret: 'cs_example',
      banks: { harbor: { webhookSecret: 'whsec_ZXhhbXBsZQ==' } },
      platform: { appSecret: 'app-secret-example', pageToken: 'page-token-example' },
    },
  }
}

export const EXAMPLE = {
  userId: 'usr_00000',
  consentId: 'cns_000001',
  accessToken: 'at_example',
  refreshToken: 'rt_example',
  code: 'code_example',
  accountId: 'acc_harbor_00000_chk',
  alertId: 'alt_000001',
  cursor: 'cursor_example',
  redirectUri: 'http://127.0.0.1:5000/oauth/callback/harbor',
} as const

/** A linked user whose access token is fresh, so the client calls without refreshing first. */
export function exampleLink(overrides: Partial<Link> = {}): Link {
  return {
    userId: EXAMPLE.userId,
    bankId: 'harbor',
    consentId: EXAMPLE.consentId,
    accessToken: EXAMPLE.accessToken,
    refreshToken: EXAMPLE.refreshToken,
    refreshAfter: Number.POSITIVE_INFINITY,
    redirectUri: EXAMPLE.redirectUri,
    ...overrides,
  }
}

export const storeWith = (...links: Link[]) => {
  const store = createStore()
  for (const link of links) store.links.set(`${link.userId}/${link.bankId}`, link)
  return store
}

export const money = (amount: number) => ({ amount: integer(amount), currency: regex('^[A-Z]{3}$', 'USD') })
export const isoTimestamp = (example: string) =>
  regex('^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$', example)
export const oneOf = (values: readonly string[], example: string) => regex(`^(${values.join('|')})$`, example)
export const last4 = (example = '4242') => regex('^\\d{4}$', example)

/** RFC 9457 problem+json with the stable `code` the integration branches on. */
export function problem(code: string, status: number) {
  return {
    type: like(`urn:bank-sandbox:problem:${code}`),
    status: integer(status),
    code: regex(`^${code}$`, code),
  }
}
export const PROBLEM_JSON = {
  'Content-Type': regex('^application/problem\\+json', 'application/problem+json'),
}

/** Pact's expression for a value a provider state provides (contracts/STATES.md): `${name}`. */
export const stateValue = (name: string) => `\${${name}}`

/** `Authorization: Bearer <the state's access token>`. */
export const bearer = () => ({
  Authorization: MatchersV3.fromProviderState(
    `Bearer ${stateValue('accessToken')}`,
    `Bearer ${EXAMPLE.accessToken}`,
  ),
})

/**
 * A form body whose fields may carry matchers. Pact JS 16 has no DSL for this, though
 * its core has: a JSON document with embedded matchers, sent with the form content type.
 */
export function formBody(builder: RequestBuilder, fields: Record<string, unknown>): void {
  const core = (builder as unknown as { interaction: { withRequestBody(body: string, type: string): void } })
    .interaction
  core.withRequestBody(JSON.stringify(fields), 'application/x-www-form-urlencoded')
}
