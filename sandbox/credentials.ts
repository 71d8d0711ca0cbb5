import { createHmac, randomBytes } from 'node:crypto'
import type { Credentials } from './store/records.ts'

// Sandbox credentials. Locally derived from the `serve` seed so setups stay stable across
// restarts (`--random-secrets` draws them instead); a shared sandbox (bound beyond loopback)
// draws them at random unless `--stable-secrets`, so that knowing a seed gives nothing away.
// A reset keeps them; only a rotation changes a bank's webhook secret, and a kept store
// keeps the rotated one across restarts (control/integration.ts).

export type { Credentials } from './store/records.ts'

export const CLIENT_ID = 'platform-demo'

function derive(seed: number, label: string, random: boolean): Buffer {
  if (random) return randomBytes(32)
  return createHmac('sha256', `bank-sandbox-seed:${seed}`).update(label).digest()
}

export function createCredentials(seed: number, bankIds: readonly string[], random = false): Credentials {
  const banks: Credentials['banks'] = {}
  for (const bankId of bankIds) {
    banks[bankId] = { webhookSecret: `whsec_${derive(seed, `webhook:${bankId}`, random).toString('base64')}` }
  }
  return {
    clientId: CLIENT_ID,
    clientSecret: `cs_${derive(seed, 'client-secret', random).toString('base64url').slice(0, 32)}`,
    banks,
    platform: {
      appSecret: derive(seed, 'platform-app-secret', random).toString('hex').slice(0, 32),
      pageToken: `pt_${derive(seed, 'platform-page-token', random).toString('base64url').slice(0, 40)}`,
      pageId: 'page_bank_sandbox',
    },
  }
}

/** What `GET /sandbox/credentials` answers. Codes and tokens are not derived from these (they are random). */
export function publicCredentials(credentials: Credentials) {
  return credentials
}
