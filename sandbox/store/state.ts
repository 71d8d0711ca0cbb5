import type { Purpose, Scope } from '../bank/policy.ts'
import { createJournal, type Journal } from './journal.ts'

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
  /** Lifecycle events already sent, so each goes out once. */
  notified: { expiring: boolean; expired: boolean }
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

export interface Partnership {
  status: 'active' | 'terminating' | 'terminated'
  effectiveAtMs: number | null
}

export interface Faults {
  latencyMs?: number
  errorRate?: number
  status?: number
  outageUntilMs?: number
  /** Requests per second (wall clock). */
  rateLimit?: number
}

export interface AlertRecord {
  id: string
  bankId: string
  customerId: string
  cardId: string
  last4: string
  status: 'open' | 'fraud' | 'legitimate'
  /** Which rule fired first, in words a person can read. */
  reason: string
  transactionIds: string[]
  /** Sum of the flagged transactions, minor units (negative for charges). */
  total: number
  createdAtMs: number
  updatedAtMs: number
}

/** One line of a user's chat on the messaging platform. */
export interface ChatMessage {
  /** The platform's message id (`mid`), kept across retried deliveries. */
  mid: string
  userId: string
  /** to_user: sent by the integration through the Send API; from_user: typed by the user. */
  direction: 'to_user' | 'from_user'
  text: string
  at: string
}

export interface SandboxState {
  consents: Map<string, ConsentRecord>
  codes: Map<string, CodeRecord>
  tokens: Map<string, TokenRecord>
  /** Only cards whose status changed; every other card is active. */
  cardStatus: Map<string, CardStatus>
  /** Only banks that withdrew; every other bank is an active partner. */
  partnerships: Map<string, Partnership>
  faults: Map<string, Faults>
  alerts: Map<string, AlertRecord>
  /** platformUserId → the chat as that user sees it, oldest first. */
  chats: Map<string, ChatMessage[]>
  /** The newest bank-API and Send-API calls. */
  journal: Journal
  /** Up to when new transactions have been scanned for events and fraud. */
  scannedThroughMs: number
}

/** How many calls the journal keeps. */
export const JOURNAL_LIMIT = 50_000

export function createState(nowMs: number): SandboxState {
  return {
    consents: new Map(),
    codes: new Map(),
    tokens: new Map(),
    cardStatus: new Map(),
    partnerships: new Map(),
    faults: new Map(),
    alerts: new Map(),
    chats: new Map(),
    journal: createJournal(JOURNAL_LIMIT),
    scannedThroughMs: nowMs,
  }
}
