import { createHmac, timingSafeEqual } from 'node:crypto'
import { createServer } from 'node:http'

// A tiny bank-to-chat integration, the kind the sandbox is for: it exchanges a link's
// code for tokens, reads balances, and tells users in chat about fraud alerts and about
// links that ended. Bank webhooks arrive at /webhooks/bank/<bankId>, signed the Standard
// Webhooks way with that bank's secret.

export async function startBot({ sandboxUrl, credentials }) {
  /** consentId → { userId, bankId, accessToken } */
  const links = new Map()

  async function tell(userId, text) {
    const res = await fetch(`${sandboxUrl}/platform/v1/messages`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${credentials.platform.pageToken}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({ recipient: { id: userId }, message: { text } }),
    })
    if (!res.ok) throw new Error(`Send API answered ${res.status}`)
  }

  async function onBankEvent(bankId, event) {
    const link = links.get(event.data.consentId)
    if (event.type === 'partnership.terminating' || event.type === 'partnership.terminated') {
      for (const each of links.values())
        if (each.bankId === bankId) await tell(each.userId, `${bankId} is leaving the service.`)
      return
    }
    if (!link) return
    if (event.type === 'fraud.alert.created' && event.data.alert.status === 'open')
      await tell(link.userId, `Possible fraud on card ••${event.data.alert.last4}. Was this you?`)
    if (event.type === 'consent.revoked' || event.type === 'consent.expired') {
      links.delete(event.data.consentId)
      await tell(link.userId, `Your ${bankId} link has ended. Say "link ${bankId}" to connect again.`)
    }
    if (event.type === 'consent.expiring') await tell(link.userId, `Your ${bankId} link ends in a week.`)
  }

  const server = createServer(async (req, res) => {
    let body = ''
    for await (const chunk of req) body += chunk
    const bankId = /^\/webhooks\/bank\/([\w-]+)$/.exec(req.url ?? '')?.[1]
    if (req.method !== 'POST' || !bankId) return res.writeHead(404).end()
    if (!signedBy(credentials.banks[bankId]?.webhookSecret, req.headers, body))
      return res.writeHead(401).end()
    res.writeHead(204).end() // acknowledge first, then act
    await onBankEvent(bankId, JSON.parse(body)).catch((error) => console.error('bot:', error.message))
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))

  return {
    url: `http://127.0.0.1:${server.address().port}`,
    /** The end of a link: the bank redirected the user back with a code. */
    async link(userId, bankId, code) {
      const res = await fetch(`${sandboxUrl}/banks/${bankId}/oauth/token`, {
        method: 'POST',
        headers: {
          Authorization: `Basic ${Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString('base64')}`,
          'Content-Type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ grant_type: 'authorization_code', code }),
      })
      if (!res.ok) throw new Error(`token endpoint answered ${res.status}`)
      const token = await res.json()
      links.set(token.consent_id, { userId, bankId, accessToken: token.access_token })
      return token.consent_id
    },
    /** The balance of one of the user's accounts, or null once the link has ended. */
    async balance(userId, accountId) {
      const link = [...links.values()].find((each) => each.userId === userId)
      if (!link) return null
      const res = await fetch(`${sandboxUrl}/banks/${link.bankId}/v1/accounts/${accountId}/balances`, {
        headers: { Authorization: `Bearer ${link.accessToken}` },
      })
      if (!res.ok) throw new Error(`balances answered ${res.status}`)
      return (await res.json()).current
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  }
}

/** Standard Webhooks: HMAC-SHA256 over "<id>.<timestamp>.<body>" with the secret's bytes. */
function signedBy(secret, headers, body) {
  if (!secret) return false
  const id = headers['webhook-id']
  const timestamp = headers['webhook-timestamp']
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64')
  const expected = Buffer.from(
    createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64'),
  )
  return String(headers['webhook-signature'] ?? '')
    .split(' ')
    .some((candidate) => {
      const given = Buffer.from(candidate.replace(/^v1,/, ''))
      return given.length === expected.length && timingSafeEqual(given, expected)
    })
}
