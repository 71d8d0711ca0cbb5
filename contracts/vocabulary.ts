import { fileURLToPath } from 'node:url'

// The words consumer pacts and provider verification share: pacticipant names, the
// provider-state templates (contracts/STATES.md explains each) and how a message
// interaction names the webhook it expects. Consumer tests fill the templates; the
// verifier matches concrete names back to them.

export const CONSUMER = 'reference-integration'

/** One sandbox plays all three providers; each has its own pact file. */
export const PROVIDERS = {
  bankApi: 'bank-api',
  platform: 'platform-send-api',
  webhooks: 'bank-webhooks',
} as const

export type Provider = (typeof PROVIDERS)[keyof typeof PROVIDERS]

export const isProvider = (name: string): name is Provider =>
  (Object.values(PROVIDERS) as string[]).includes(name)

/** The three, in words, for a message that turns another provider away. */
export const PROVIDERS_IN_WORDS = (() => {
  const names = Object.values(PROVIDERS).toSorted()
  return `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`
})()

export const PACT_DIR = fileURLToPath(new URL('./pacts/', import.meta.url))

/**
 * Provider-state templates: `{name}` is a parameter, `[…]` an optional part. A pact may
 * use a filled-in name ("a linked customer at meridian with scopes alerts"), or the
 * template itself with V3 `params`.
 */
export const STATES = {
  linkedCustomer: 'a linked customer[ at {bankId}][ with scopes {scopes}]',
  approvedLink: 'a customer[ at {bankId}] approved a link[ with scopes {scopes}]',
  platformUser: 'a platform user exists',
  userOptedIn: 'the platform user allowed notification messages',
  consentRevoked: 'the consent is revoked',
  consentExpiring: 'the consent expires within a week',
  consentExpired: 'the consent has expired',
  partnershipTerminating: 'the partnership[ with {bankId}] is terminating',
  partnershipTerminated: 'the partnership[ with {bankId}] is terminated',
  alertOpen: 'a fraud alert is open[ on card {cardId}]',
  alertResolved: 'the fraud alert is resolved as {outcome}',
  manyTransactions: 'the account has more than {count} transactions',
  newTransactions: 'new transactions are available',
  chargeBooked: 'a charge was booked on the card',
  disputeFiled: 'the customer disputed a charge[ for {reason}]',
  disputeCredited: 'the dispute’s provisional credit is due',
  rateLimiting: 'the bank[ {bankId}] is rate limiting',
  unavailable: 'the bank[ {bankId}] is unavailable',
} as const

export type StateKey = keyof typeof STATES

/** Fills a template: given parameters fill their slot; an optional part without them is dropped. */
export function stateName(key: StateKey, params: Record<string, string> = {}): string {
  const fill = (text: string) =>
    text.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = params[name]
      if (value === undefined) throw new Error(`State "${STATES[key]}" needs the parameter ${name}.`)
      return value
    })
  const kept = STATES[key].replace(/\[([^\]]*)\]/g, (_, part: string) =>
    [...part.matchAll(/\{(\w+)\}/g)].every(([, name]) => name !== undefined && name in params) ? part : '',
  )
  return fill(kept)
}

/** The parameters a concrete state name carries, or null when it is not this template's. */
export function matchState(key: StateKey, name: string): Record<string, string> | null {
  const match = templatePattern(STATES[key]).exec(name)
  if (!match) return null
  const params: Record<string, string> = {}
  for (const [param, value] of Object.entries(match.groups ?? {})) {
    // The template itself, braces and all, leaves the value to the pact's params.
    if (value !== undefined && !/^\{\w+\}$/.test(value)) params[param] = value
  }
  return params
}

function templatePattern(template: string): RegExp {
  let source = ''
  for (const token of template.match(/\{\w+\}|\[|\]|[^[\]{]+/g) ?? []) {
    if (token === '[') source += '(?:'
    else if (token === ']') source += ')?'
    else if (token.startsWith('{')) source += `(?<${token.slice(1, -1)}>.+?)`
    else source += token.replace(/[.*+?^${}()|\\]/g, '\\$&')
  }
  return new RegExp(`^${source}$`)
}

/** A message interaction names the webhook type it expects in its description. */
export const webhookDescription = (type: string) => `a ${type} webhook`
