// The vocabulary of the records the store keeps, declared here because the store sits
// below the domains that fill it: the bank's scopes and purposes, the platform's user
// messages and link taps, webhook deliveries, the sandbox's credentials and its single
// facts (settings). The domains import these; the store imports no domain.

import type { ClockReading } from '../time/clock.ts'

export const SCOPES = [
  'accounts:read',
  'balances:read',
  'transactions:read',
  'transactions.all:read',
  'alerts',
  'cards:write',
  'disputes:write',
] as const
export type Scope = (typeof SCOPES)[number]

export const PURPOSES = ['account_servicing', 'fraud_prevention', 'customer_support'] as const
export type Purpose = (typeof PURPOSES)[number]

/** One try at delivering something over HTTP; its wire schema is `DeliveryAttempt` (webhooks/deliver.ts). */
export interface Attempt {
  number: number
  /** Wall-clock time of the attempt. */
  at: string
  /** Simulation time of the attempt. */
  simulatedAt?: string | undefined
  statusCode: number | null
  latencyMs: number
  /** Why there was no HTTP answer (timeout, connection failed, target refused). */
  error: string | null
}

export const DELIVERY_STATUSES = ['pending', 'retrying', 'delivered'] as const
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number]

/** A webhook event in the outbox. */
export interface Delivery {
  id: string
  bankId: string
  type: string
  orderKey: string
  url: string | null
  body: string
  createdAt: string
  /** pending: not tried yet; retrying: tried and refused, tried again on the schedule; delivered: a 2xx. */
  status: DeliveryStatus
  attempts: Attempt[]
  nextAttemptAtMs: number | null
  /** When the integration call that caused this event arrived (wall clock); absent when none did. */
  causedByCallAtMs?: number
}

export type LinkBehaviour = 'approve' | 'deny' | 'ignore'

/** One user message on its way to the integration's /webhooks/platform. */
export interface InboundDelivery {
  mid: string
  userId: string
  /** held: no integration was attached when the user typed it. */
  status: 'pending' | 'delivered' | 'failed' | 'held'
  attempts: Attempt[]
  /**
   * The signed body, for what is not a plain user message rebuilt from its chat line:
   * a `standby` entry, a `messaging_optins` or a `messaging_handovers` event.
   */
  body?: string
}

/** Which app owns a conversation: the integration under test, or the page's human inbox. */
export type ThreadOwner = 'integration' | 'inbox'

/** One user's conversation with the page: its window and who owns the thread (by platformUserId). */
export interface ConversationRecord {
  userId: string
  /** When the user last wrote, on the simulation clock: it opens the 24 h window. */
  lastUserMessageAtMs: number | null
  owner: ThreadOwner
  /** Who answers in the inbox: the simulated agent, or a person on the dashboard. */
  agent: 'simulated' | 'person'
  /** The user's messages the simulated agent has answered since the inbox took the thread. */
  agentTurns: number
}

/** A notification_messages token a user granted (by the token). */
export interface OptinRecord {
  token: string
  userId: string
  /** The opt-in request's payload, given back in the webhook. */
  payload: string
  grantedAtMs: number
  expiresAtMs: number
  stoppedAtMs: number | null
}

/** What happened when the simulated user tapped an authorize link. */
export interface LinkTap {
  /** The message whose link was tapped. */
  mid: string
  userId: string
  bankId: string
  at: string
  /**
   * linked: approved, and the redirect_uri answered 2xx/3xx · denied: the redirect carried
   * an `error` and was answered 2xx/3xx · refused: the bank showed an error page, nobody
   * was redirected · callback_failed: the redirect_uri answered otherwise, or not at all.
   */
  outcome: 'pending' | 'linked' | 'denied' | 'refused' | 'callback_failed'
  /** The OAuth `error` sent to the redirect_uri, or the problem code of a refusal. */
  error: string | null
  consentId: string | null
  /** The redirect_uri's HTTP status; null when not called or unanswered. */
  status: number | null
  /** Why the redirect_uri gave no HTTP answer (timeout, refused). */
  callbackError: string | null
}

/** The sandbox's credentials: the integration's client, each bank's webhook secret, the platform's. */
export interface Credentials {
  clientId: string
  clientSecret: string
  /** previousWebhookSecret is set during a rotation: deliveries are signed with both. */
  banks: Record<string, { webhookSecret: string; previousWebhookSecret?: string }>
  platform: { appSecret: string; pageToken: string; pageId: string }
}

export interface WorldSpec {
  seed: number
  customers: number
  days: number
}

/** What is kept of a world in its own store, so a restart (or another instance) can open it again. */
export interface WorldRecord extends WorldSpec {
  /** Order of making, for paging. */
  number: number
  createdAtMs: number
  lastUsedMs: number
}

/**
 * The single facts a sandbox keeps, by name, each once changed or drawn at random: the
 * `settings` table holds exactly these, each with its type.
 */
export interface Settings {
  clock: ClockReading
  /** The simulated time every time-driven change has been made through. */
  scannedThroughMs: number
  /** The world's first day (days since the epoch) and seed: the synthetic world follows from them. */
  startDay: number
  worldSeed: number
  integrationUrl: string | null
  /** What the integration was attached as: a URL, a built-in's name, or null for none. */
  attached: string | null
  /** The key that signs transaction cursors, as hex. */
  cursorKey: string
  credentials: Credentials
  /** In a world made with POST /sandbox/worlds: its own record (see WORLD_RECORD). */
  world: WorldRecord
  /** The messaging platform's policy chosen for this world (a scenario's), over the server's default. */
  platformPolicy: 'open' | 'window'
}
