import { SCOPES, type Scope } from '../../sandbox/bank/policy.ts'
import { platformIdle } from '../../sandbox/platform/records.ts'
import { DAY_MS } from '../../sandbox/synthetic/types.ts'
import { STATES, type StateKey } from '../vocabulary.ts'
import type { VerificationSandbox } from './harness.ts'

// The provider-state vocabulary, one handler per template of contracts/vocabulary.ts.
// Handlers change the sandbox only through its control API (and, for what a customer
// does through the integration, its bank API), and leave what later states, the
// request and message providers need in `sandbox.context`. contracts/STATES.md is the
// reader's version of this file.

export type Params = Record<string, string>
type Handler = (sandbox: VerificationSandbox, params: Params) => Promise<void>

export const STATE_HANDLERS: Record<StateKey, Handler> = {
  linkedCustomer: async (sandbox, params) => {
    const code = await approveLink(sandbox, params)
    const tokens = await sandbox.token(sandbox.context.bankId ?? '', {
      grant_type: 'authorization_code',
      code,
    })
    sandbox.context.accessToken = tokens.access_token
    sandbox.context.refreshToken = tokens.refresh_token
  },

  approvedLink: async (sandbox, params) => {
    sandbox.context.code = await approveLink(sandbox, params)
  },

  platformUser: async (sandbox) => {
    const person = await sandbox.control.claim(['harbor'], [])
    sandbox.context.userId = person.platformUserId
  },

  userOptedIn: async (sandbox) => {
    const userId = sandbox.context.userId ?? (await sandbox.control.claim(['harbor'], [])).platformUserId
    sandbox.context.userId = userId
    // The user writes (the window opens), is asked through the Send API as an integration
    // would ask, and taps "Allow".
    await sandbox.control.say(userId, 'hello')
    const ask = await fetch(`${sandbox.url}/platform/v1/messages`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${sandbox.deps.credentials.platform.pageToken}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({
        recipient: { id: userId },
        message: {
          attachment: {
            type: 'template',
            payload: { template_type: 'notification_messages', title: 'Alerts?', payload: 'alerts' },
          },
        },
      }),
    })
    if (!ask.ok) throw new Error(`The opt-in request answered ${ask.status}.`)
    await platformIdle(sandbox.deps)
    const { optins } = await sandbox.control.call<{ optins: { token: string }[] }>(
      'GET',
      `/sandbox/platform/users/${userId}/conversation`,
    )
    const token = optins[0]?.token
    if (!token) throw new Error('The user allowed nothing.')
    sandbox.context.notificationToken = token
  },

  consentRevoked: async (sandbox) => {
    const { bankId, consentId } = need(sandbox, 'bankId', 'consentId')
    await sandbox.control.call('POST', `/sandbox/banks/${bankId}/consents/${consentId}/revoke`)
  },

  consentExpiring: async (sandbox) => {
    const { expiresAt } = need(sandbox, 'expiresAt')
    await moveClockTo(sandbox, Date.parse(expiresAt) - 6 * DAY_MS)
  },

  consentExpired: async (sandbox) => {
    const { expiresAt } = need(sandbox, 'expiresAt')
    await moveClockTo(sandbox, Date.parse(expiresAt) + 1)
  },

  partnershipTerminating: (sandbox, params) => withdraw(sandbox, params, 'terminating'),
  partnershipTerminated: (sandbox, params) => withdraw(sandbox, params, 'terminated'),

  alertOpen: async (sandbox, params) => {
    const cardId = params.cardId ?? need(sandbox, 'cardId').cardId
    const card = sandbox.deps.world.card(cardId)
    if (!card) throw new Error(`There is no card ${cardId}.`)
    // Three tiny online charges within minutes: the fraud engine's card-testing rule.
    await sandbox.control.call('POST', `/sandbox/banks/${card.bankId}/cards/${cardId}/transactions`, {
      amount: { amount: -99, currency: 'USD' },
      channel: 'online',
      count: 3,
      spreadMs: 120_000,
    })
    // The control API has no alert listing; the store is the one place that knows the new id.
    const alert = [...sandbox.deps.state.alerts.values()].find(
      (a) => a.cardId === cardId && a.status === 'open',
    )
    if (!alert) throw new Error(`The fraud engine raised no alert on ${cardId}.`)
    Object.assign(sandbox.context, { alertId: alert.id, cardId, last4: alert.last4 })
  },

  alertResolved: async (sandbox, params) => {
    const outcome = oneOf(params.outcome, ['fraud', 'legitimate'], 'outcome')
    const { alertId } = need(sandbox, 'alertId')
    await sandbox.bank('POST', `/v1/alerts/${alertId}/resolution`, { outcome })
  },

  manyTransactions: async (sandbox, params) => {
    const count = wholeNumber(params.count, 'count', 1, 999)
    const { accountId, cardId } = need(sandbox, 'accountId', 'cardId')
    const path = `/v1/accounts/${accountId}/transactions?limit=${count}`
    let page = await sandbox.bank<{ data: unknown[]; nextCursor: string | null }>('GET', path)
    if (page.nextCursor === null) {
      // In-app charges, which every transactions scope sees; above the "tiny" amounts
      // the card-testing rule watches, spread over the last day.
      await injectCharges(sandbox, cardId, count + 1 - page.data.length, DAY_MS)
      page = await sandbox.bank('GET', path)
    }
    if (page.nextCursor === null) throw new Error(`Still no second page of ${count} transactions.`)
    sandbox.context.cursor = page.nextCursor
  },

  newTransactions: async (sandbox) => {
    const { cardId } = need(sandbox, 'cardId')
    sandbox.context.transactionCount = String(await injectCharges(sandbox, cardId, 1, 0))
  },

  chargeBooked: async (sandbox) => {
    const { cardId } = need(sandbox, 'cardId')
    const card = sandbox.deps.world.card(cardId)
    if (!card) throw new Error(`There is no card ${cardId}.`)
    const { data } = await sandbox.control.call<{ data: { id: string }[] }>(
      'POST',
      `/sandbox/banks/${card.bankId}/cards/${cardId}/transactions`,
      { amount: { amount: -4599, currency: 'USD' }, channel: 'platform', merchant: 'ZEPHYR TOYS' },
    )
    sandbox.context.transactionId = data[0]?.id ?? ''
  },

  disputeFiled: async (sandbox, params) => {
    const reason = params.reason ?? 'unrecognized'
    const { cardId } = need(sandbox, 'cardId')
    const card = sandbox.deps.world.card(cardId)
    if (!card) throw new Error(`There is no card ${cardId}.`)
    const { data } = await sandbox.control.call<{ data: { id: string }[] }>(
      'POST',
      `/sandbox/banks/${card.bankId}/cards/${cardId}/transactions`,
      { amount: { amount: -4599, currency: 'USD' }, channel: 'platform', merchant: 'ZEPHYR TOYS' },
    )
    const transactionId = data[0]?.id ?? ''
    const dispute = await sandbox.bank<{ id: string; provisionalCreditDueOn: string | null }>(
      'POST',
      '/v1/disputes',
      { transactionId, reason },
    )
    Object.assign(sandbox.context, {
      transactionId,
      disputeId: dispute.id,
      provisionalCreditDueOn: dispute.provisionalCreditDueOn ?? '',
    })
  },

  disputeCredited: async (sandbox) => {
    const { provisionalCreditDueOn } = need(sandbox, 'provisionalCreditDueOn')
    // Noon UTC of the due date is well inside that date in New York.
    await moveClockTo(sandbox, Date.parse(`${provisionalCreditDueOn}T12:00:00Z`))
  },

  rateLimiting: (sandbox, params) => injectFault(sandbox, params, 429),
  unavailable: (sandbox, params) => injectFault(sandbox, params, 503),
}

async function approveLink(sandbox: VerificationSandbox, params: Params): Promise<string> {
  const bankId = params.bankId ?? 'harbor'
  const person = await sandbox.control.claim([bankId], [])
  const at = person.banks[bankId]
  if (!at) throw new Error(`No unclaimed customer at ${bankId}.`)
  const { consent, code } = await sandbox.control.call<{
    consent: { id: string; expiresAt: string }
    code: string
  }>('POST', `/sandbox/banks/${bankId}/customers/${at.customerId}/consents`, {
    scopes: scopeList(params.scopes),
    purpose: params.purpose ?? 'account_servicing',
  })
  const card = sandbox.deps.world.card(at.cardId)
  if (!card) throw new Error(`There is no card ${at.cardId}.`)
  Object.assign(sandbox.context, {
    bankId,
    customerId: at.customerId,
    userId: person.platformUserId,
    consentId: consent.id,
    expiresAt: consent.expiresAt,
    cardId: card.id,
    last4: card.last4,
    accountId: card.accountId,
  })
  return code
}

async function withdraw(sandbox: VerificationSandbox, params: Params, status: 'terminating' | 'terminated') {
  const bankId = params.bankId ?? sandbox.context.bankId ?? 'harbor'
  const effectiveAt = params.effectiveAt === undefined ? {} : { effectiveAt: params.effectiveAt }
  await sandbox.control.call('POST', `/sandbox/banks/${bankId}/partnership`, { status, ...effectiveAt })
  sandbox.context.bankId = bankId
}

async function injectFault(sandbox: VerificationSandbox, params: Params, status: number) {
  const bankId = params.bankId ?? sandbox.context.bankId ?? 'harbor'
  // A forced status rather than a requests-per-second limit: the very next call is refused.
  await sandbox.control.call('PUT', `/sandbox/banks/${bankId}/faults`, { status })
}

async function injectCharges(sandbox: VerificationSandbox, cardId: string, count: number, spreadMs: number) {
  const card = sandbox.deps.world.card(cardId)
  if (!card) throw new Error(`There is no card ${cardId}.`)
  const { data } = await sandbox.control.call<{ data: unknown[] }>(
    'POST',
    `/sandbox/banks/${card.bankId}/cards/${cardId}/transactions`,
    { amount: { amount: -1250, currency: 'USD' }, channel: 'platform', mcc: '5812', count, spreadMs },
  )
  return data.length
}

async function moveClockTo(sandbox: VerificationSandbox, ms: number) {
  await sandbox.control.call('POST', '/sandbox/clock', { to: new Date(ms).toISOString() })
}

/** The context values a state builds on, or an error naming the state that provides them. */
export function need<K extends string>(sandbox: VerificationSandbox, ...keys: K[]): Record<K, string> {
  const values = {} as Record<K, string>
  for (const key of keys) {
    const value = sandbox.context[key]
    if (value === undefined)
      throw new Error(
        `Needs "${PROVIDED_BY[key] ?? STATES.linkedCustomer}" earlier in the interaction's states.`,
      )
    values[key] = value
  }
  return values
}

const PROVIDED_BY: Record<string, string> = {
  alertId: STATES.alertOpen,
  disputeId: STATES.disputeFiled,
  provisionalCreditDueOn: STATES.disputeFiled,
  expiresAt: STATES.linkedCustomer,
}

function scopeList(value: string | undefined): Scope[] {
  if (value === undefined) return [...SCOPES]
  const asked = value.split(/[\s,]+/).filter((s) => s && s !== 'and')
  for (const scope of asked)
    if (!SCOPES.includes(scope as Scope))
      throw new Error(`Unknown scope "${scope}"; scopes are ${SCOPES.join(', ')}.`)
  return asked as Scope[]
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], name: string): T {
  const found = allowed.find((option) => option === value)
  if (!found) throw new Error(`The parameter ${name} must be one of ${allowed.join(', ')}.`)
  return found
}

function wholeNumber(value: string | undefined, name: string, min: number, max: number): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(`The parameter ${name} must be a whole number from ${min} to ${max}.`)
  return n
}
