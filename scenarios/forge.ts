import { signWebhook } from '../sandbox/webhooks/sign.ts'
import { type CastMember, member, type RunContext } from './context.ts'

// Forged traffic, sent straight to the integration as an attacker would: webhooks with a
// bad signature, a stale timestamp or none, and an OAuth callback with a state the
// integration never issued.

const STALE_MS = 10 * 60_000

export async function forgeWebhook(
  context: RunContext,
  step: {
    role: string
    bankId: string
    type: string
    forgery: 'bad-signature' | 'stale-timestamp' | 'unsigned'
  },
): Promise<void> {
  const person = member(context, step.role)
  const body = JSON.stringify(forgedEvent(person, step.bankId, step.type))
  const id = `evt_forged_${context.forgeries.length + 1}`
  const secret = context.credentials.banks[step.bankId]?.webhookSecret ?? ''
  const headers: Record<string, string> = { 'Content-Type': 'application/json' }
  if (step.forgery === 'bad-signature') {
    Object.assign(
      headers,
      signWebhook(
        [`whsec_${Buffer.from('not the bank secret, 32 bytes!!!').toString('base64')}`],
        id,
        Date.now(),
        body,
      ),
    )
  } else if (step.forgery === 'stale-timestamp') {
    Object.assign(headers, signWebhook([secret], id, Date.now() - STALE_MS, body))
  } else {
    headers['webhook-id'] = id
  }
  const status = await post(`${context.target.integrationUrl}/webhooks/bank/${step.bankId}`, headers, body)
  context.forgeries.push({ what: `${step.type} webhook with ${step.forgery}`, status })
}

export async function forgeCallback(
  context: RunContext,
  step: { role: string; bankId: string },
): Promise<void> {
  const person = member(context, step.role)
  const customerId = person.banks[step.bankId]?.customerId ?? ''
  // A real, unused code for the victim: only the state is forged.
  const { code } = await context.target.control.call<{ code: string }>(
    'POST',
    `/sandbox/banks/${step.bankId}/customers/${customerId}/consents`,
    { scopes: ['accounts:read', 'balances:read'], purpose: 'account_servicing' },
  )
  const url = new URL(`${context.target.integrationUrl}/oauth/callback/${step.bankId}`)
  url.search = new URLSearchParams({ code, state: 'forged-state-never-issued' }).toString()
  let status: number | null = null
  try {
    status = (await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(10_000) })).status
  } catch {
    status = null
  }
  context.forgeries.push({ what: 'OAuth callback with a state never issued', status })
}

function forgedEvent(person: CastMember, bankId: string, type: string) {
  const consentId = person.consents[bankId] ?? 'cns_unknown'
  const customerId = person.banks[bankId]?.customerId ?? ''
  const timestamp = new Date().toISOString()
  const base = { bankId, consentId, customerId }
  if (type.startsWith('fraud.alert')) {
    const last4 = person.banks[bankId]?.last4 ?? '0000'
    const alert = {
      id: 'alt_forged',
      cardId: person.banks[bankId]?.cardId,
      last4,
      status: 'open',
      reason: 'card testing',
      transactionIds: ['txn_forged'],
      transactionCount: 1,
      total: { amount: -99_900, currency: 'USD' },
      createdAt: timestamp,
      updatedAt: timestamp,
    }
    return { type, timestamp, data: { ...base, alert } }
  }
  const consent = { id: consentId, bankId, customerId, status: 'revoked', revokedBy: 'customer' }
  return { type, timestamp, data: { ...base, consent } }
}

async function post(url: string, headers: Record<string, string>, body: string): Promise<number | null> {
  try {
    return (
      await fetch(url, {
        method: 'POST',
        headers,
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(10_000),
      })
    ).status
  } catch {
    return null
  }
}
