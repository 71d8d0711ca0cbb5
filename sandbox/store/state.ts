import type { Purpose, Scope } from '../bank/policy.ts'

// Everything in a world that changes. The synthetic world itself is computed; only
// these records are stored, so a reset is just a fresh SandboxState.

export type RevokedBy = 'customer' | 'platform' | 'bank'

export interface ConsentRecord {
  id: string
  bankId: string
  customerId: string
  clientId: string
  scopes: Scope[]
  purpose: Purpose
  createdAtMs: number
  expiresAtMs: number
  revokedAtMs: number | null
  revokedBy: RevokedBy | null
}

export interface CodeRecord {
  consentId: string
  /** The redirect_uri of the authorize request, which the token request must repeat; null for shortcut codes. */
  redirectUri: string | null
  expiresAtMs: number
}

export interface TokenRecord {
  consentId: string
  kind: 'access' | 'refresh'
  /** null: lives as long as the consent (refresh tokens). */
  expiresAtMs: number | null
}

export type CardStatus = 'active' | 'frozen' | 'replaced'

export interface SandboxState {
  consents: Map<string, ConsentRecord>
  codes: Map<string, CodeRecord>
  tokens: Map<string, TokenRecord>
  /** Only cards whose status changed; every other card is active. */
  cardStatus: Map<string, CardStatus>
}

export function createState(): SandboxState {
  return { consents: new Map(), codes: new Map(), tokens: new Map(), cardStatus: new Map() }
}
