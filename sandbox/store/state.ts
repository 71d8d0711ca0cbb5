import { randomUUID } from 'node:crypto'
import type { Transaction } from '../synthetic/types.ts'
import { createJournal, type Journal, type JournalEntry } from './journal.ts'
import type {
  ConversationRecord,
  Delivery,
  InboundDelivery,
  LinkBehaviour,
  LinkTap,
  OptinRecord,
  Purpose,
  Scope,
  Settings,
} from './records.ts'
import { type Change, SettingsTable, type Sink, Table, type TableName } from './table.ts'

// Everything in a world that changes, as the store's tables. The synthetic world itself
// is computed; only these records are kept. Every change goes through a table's set or
// delete, so the store's engine sees it.

export type RevokedBy = 'customer' | 'platform' | 'bank'

export interface ConsentRecord {
  id: string
  bankId: string
  customerId: string
  clientId: string
  scopes: Scope[]
  /** What the integration asked for, before the bank's policy narrowed it to `scopes`. */
  askedScopes?: Scope[]
  purpose: Purpose
  createdAtMs: number
  expiresAtMs: number
  revokedAtMs: number | null
  /** The wall-clock moment of the revocation: it orders what happened around it on a frozen clock. */
  revokedWallAtMs?: number | null
  revokedBy: RevokedBy | null
  /** Lifecycle events already sent, so each goes out once. */
  notified: { expiring: boolean; expired: boolean }
  /**
   * Made on the consent page and its code not yet exchanged: if still so at this wall-clock
   * moment, the consent is dropped (pending-consents.ts). Gone once the code is exchanged.
   */
  pendingUntilWallMs?: number
}

export interface CodeRecord {
  consentId: string
  /** The redirect_uri of the authorize request, which the token request must repeat; null for shortcut codes. */
  redirectUri: string | null
  expiresAtMs: number
  /** FAPI banks: the PKCE S256 code_challenge of the pushed request, which the code_verifier must match. */
  codeChallenge?: string
}

/** A public JSON Web Key as a client registers it (RFC 7517); only its public members are kept. */
export type PublicJwk = Record<string, unknown> & { kty: string }

/** A client's JWK Set at a FAPI bank, by `{bankId}/{clientId}`: what its private_key_jwt assertions are checked against. */
export interface ClientKeysRecord {
  keys: PublicJwk[]
  registeredAtMs: number
}

/** A pushed authorization request (RFC 9126), by its request_uri: used once, within its 60 s (simulation clock). */
export interface PushedRequestRecord {
  bankId: string
  clientId: string
  /** The authorize parameters as pushed: response_type, redirect_uri, scope, state, purpose. */
  params: Record<string, string>
  codeChallenge: string
  /** The issuer the request was pushed to, which the authorization response names (RFC 9207). */
  issuer: string
  expiresAtMs: number
}

/** A DPoP proof's or client assertion's jti, seen once: kept until its proof could no longer be fresh (wall clock). */
export interface ProofIdRecord {
  expiresAtWallMs: number
}

/** A FAPI bank's current DPoP nonce (RFC 9449 §8), by bank id; a new one is drawn as the simulation clock moves on. */
export interface DpopNonceRecord {
  nonce: string
  issuedAtMs: number
}

export interface TokenRecord {
  consentId: string
  kind: 'access' | 'refresh'
  /** null: lives as long as the consent (refresh tokens). */
  expiresAtMs: number | null
  /** FAPI banks: the JWK thumbprint of the DPoP key the token is bound to (cnf.jkt); no Bearer use. */
  jkt?: string
}

export type CardStatus = 'active' | 'frozen' | 'replaced'

/**
 * When a card was frozen, on the simulation clock: the world's own spending on the card
 * during these spans never happens. `untilMs` null: frozen still.
 */
export interface CardFreezeRecord {
  spans: { fromMs: number; untilMs: number | null }[]
}

export type DisputeReason = 'unrecognized' | 'duplicate' | 'not_received' | 'wrong_amount'

/** A customer's dispute of a charge; its due dates are fixed when it is filed. */
export interface DisputeRecord {
  id: string
  bankId: string
  customerId: string
  accountId: string
  transactionId: string
  reason: DisputeReason
  /** Reg E (debit and other non-credit accounts) or Reg Z (credit cards). */
  rule: 'reg_e' | 'reg_z'
  /** The disputed charge, minor units (negative). */
  amount: number
  merchantName: string
  status: 'submitted' | 'provisional_credit' | 'resolved'
  outcome: 'customer' | 'merchant' | null
  /** YYYY-MM-DD in America/New_York; null under Reg Z. */
  provisionalCreditDueOn: string | null
  decisionDueOn: string
  /** The posted transactions the dispute made: the provisional credit, and a reversal or refund. */
  creditTransactionId: string | null
  settlementTransactionId: string | null
  createdAtMs: number
  updatedAtMs: number
}

export interface Partnership {
  status: 'active' | 'terminating' | 'terminated'
  effectiveAtMs: number | null
}

export interface Faults {
  latencyMs?: number
  errorRate?: number
  status?: number
  outageUntilMs?: number
  /**
   * A consent its customer revokes the moment its next data call has passed the consent
   * check: that call is in flight across the revocation, and is served. Used once.
   */
  revokeInFlight?: string
  /** The next DPoP proof at the bank API is refused as already used (someone took it first). Used once. */
  dpopProofTaken?: boolean
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
  /** The newest flagged transactions, at most ALERT_IDS_KEPT: enough that no rule flags one twice. */
  transactionIds: string[]
  /** Every transaction ever flagged on the alert (absent in records kept before it was counted). */
  transactionCount?: number
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
  /** Quick replies the integration offered under this line. */
  quickReplies?: { title: string; payload: string }[]
  /** A tapped quick reply's payload (the line's text is its title). */
  quickReplyPayload?: string
  /** Set on what the page's human inbox (its agent) wrote to the user; absent for the integration's lines. */
  appId?: 'inbox'
  /** Set on an opt-in request the integration sent (its text is the request's title). */
  template?: 'notification_messages'
  at: string
  /** When the line was written, on the wall clock: orders it around a revocation on a frozen clock. */
  wallAt?: string
}

/** A transaction a scenario or a person injected, with the account it is booked on. */
export interface InjectedTransaction {
  accountId: string
  transaction: Transaction
}

export interface SandboxState {
  consents: Table<ConsentRecord>
  codes: Table<CodeRecord>
  tokens: Table<TokenRecord>
  /** Only cards whose status changed; every other card is active. */
  cardStatus: Table<CardStatus>
  /** Only cards ever frozen: when, so the world's spending skips those spans. */
  cardFreezes: Table<CardFreezeRecord>
  disputes: Table<DisputeRecord>
  /** Only banks that withdrew; every other bank is an active partner. */
  partnerships: Table<Partnership>
  faults: Table<Faults>
  alerts: Table<AlertRecord>
  /** platformUserId → the chat as that user sees it, oldest first. */
  chats: GroupedTable<ChatMessage>
  /** The newest bank-API and Send-API calls. */
  journal: Journal
  injected: Table<InjectedTransaction>
  /** Bank webhook deliveries, by webhook id (the outbox works on these). */
  deliveries: Table<Delivery>
  /** User messages on their way to the integration, by mid. */
  inbound: Table<InboundDelivery>
  /** userId → the authorize links that user tapped, oldest first (one per message, by mid). */
  taps: GroupedTable<LinkTap>
  linkBehaviour: Table<LinkBehaviour>
  /** Person indices handed to scenario runs: never handed out twice. */
  claimed: Table<true>
  /** Single facts, by name, each with its type (Settings). */
  settings: SettingsTable<Settings>
  /** FAPI banks: the JWK Sets clients registered, by `{bankId}/{clientId}`. */
  clientKeys: Table<ClientKeysRecord>
  /** FAPI banks: pushed authorization requests, by request_uri. */
  pushedRequests: Table<PushedRequestRecord>
  /** FAPI banks: the jti of every DPoP proof and client assertion accepted, by `{bankId}/{kind}/{jti}`. */
  proofIds: Table<ProofIdRecord>
  /** FAPI banks: the current DPoP nonce, by bank id. */
  dpopNonces: Table<DpopNonceRecord>
  /** The messaging platform: each user's window and thread owner, by platformUserId. */
  conversations: Table<ConversationRecord>
  /** The messaging platform: notification_messages tokens users granted, by token. */
  optins: Table<OptinRecord>
}

/** How many calls the journal keeps. */
export const JOURNAL_LIMIT = 50_000

/**
 * The setting a world made with POST /sandbox/worlds keeps its own record under (spec, last
 * use). It is there as long as the world is: a shared database's engine tells of a world
 * deleted through another instance as this record's deletion.
 */
export const WORLD_RECORD = 'world'

/** How many chat lines, and link taps, each user keeps: the newest. */
export const GROUP_LIMIT = 1_000

/**
 * Records kept one per id and read in groups (a user's chat lines, a user's link taps),
 * each group oldest first. Setting a known id replaces that record in its group. A group
 * keeps its newest `limit` records: a bot that talks to one user all day must not grow
 * the sandbox without end.
 */
export class GroupedTable<V> {
  readonly #groups = new Map<string, V[]>()
  readonly #table: Table<V>

  constructor(
    name: TableName,
    sink: Sink,
    private readonly idOf: (record: V) => string,
    private readonly groupOf: (record: V) => string,
    private readonly limit = GROUP_LIMIT,
  ) {
    this.#table = new Table<V>(name, sink)
  }
  get(group: string): readonly V[] | undefined {
    return this.#groups.get(group)
  }
  values(): IterableIterator<readonly V[]> {
    return this.#groups.values()
  }
  set(record: V): void {
    const id = this.idOf(record)
    const known = this.#table.has(id)
    this.#table.set(id, record)
    this.#group(record, known)
    if (!known) this.#trim(this.groupOf(record))
  }
  /** Lets the oldest records of a group go, a tenth of the limit at a time: O(1) amortised per record. */
  #trim(group: string): void {
    const records = this.#groups.get(group)
    if (!records || records.length <= this.limit + Math.floor(this.limit / 10)) return
    for (const old of records.splice(0, records.length - this.limit)) this.#table.delete(this.idOf(old))
  }
  apply(id: string, record: V | null): void {
    const known = this.#table.get(id)
    this.#table.apply(id, record)
    if (record) this.#group(record, known !== undefined)
    else if (known !== undefined) this.#ungroup(known)
  }
  /** Drops a record another instance deleted (a reset there) from its group. */
  #ungroup(record: V): void {
    const records = this.#groups.get(this.groupOf(record))
    const at = records?.findIndex((other) => this.idOf(other) === this.idOf(record)) ?? -1
    if (records && at >= 0) records.splice(at, 1)
  }
  /** Appends a new record to its group; only a known one is looked for, to be replaced. */
  #group(record: V, known: boolean): void {
    const group = this.groupOf(record)
    const records = this.#groups.get(group)
    if (!records) return void this.#groups.set(group, [record])
    const at = known ? records.findIndex((other) => this.idOf(other) === this.idOf(record)) : -1
    if (at >= 0) records[at] = record
    else records.push(record)
  }
}

/** `sink` is null when nothing is kept (memory mode): then the journal builds no records. */
export function createState(kept: Sink | null): SandboxState {
  const sink: Sink = kept ?? (() => {})
  const journalTag = randomUUID()
  const table = <V>(name: TableName) => new Table<V>(name, sink)
  return {
    consents: table('consents'),
    codes: table('codes'),
    tokens: table('tokens'),
    cardStatus: table('cardStatus'),
    cardFreezes: table('cardFreezes'),
    disputes: table('disputes'),
    partnerships: table('partnerships'),
    faults: table('faults'),
    alerts: table('alerts'),
    chats: new GroupedTable<ChatMessage>(
      'chat',
      sink,
      (m) => m.mid,
      (m) => m.userId,
    ),
    // Keyed by process as well: instances sharing a database number their calls alike.
    journal: createJournal(
      JOURNAL_LIMIT,
      kept && ((entry) => kept({ table: 'journal', key: `${journalTag}:${entry.id}`, value: entry })),
    ),
    injected: table('injected'),
    deliveries: table('deliveries'),
    inbound: table('inbound'),
    taps: new GroupedTable<LinkTap>(
      'taps',
      sink,
      (t) => t.mid,
      (t) => t.userId,
    ),
    linkBehaviour: table('linkBehaviour'),
    claimed: table('claimed'),
    settings: new SettingsTable<Settings>('settings', sink),
    clientKeys: table('clientKeys'),
    pushedRequests: table('pushedRequests'),
    proofIds: table('proofIds'),
    dpopNonces: table('dpopNonces'),
    conversations: table('conversations'),
    optins: table('optins'),
  }
}

/** Where scanning for new transactions got to; starts at the clock's start. */
export function scannedThrough(state: SandboxState, fallbackMs: number): number {
  return state.settings.get('scannedThroughMs') ?? fallbackMs
}

/** Takes a kept change into the state's views, without recording it again. */
export function applyChange(state: SandboxState, change: Change): void {
  if (change.table === 'chat') state.chats.apply(change.key, change.value as ChatMessage | null)
  else if (change.table === 'taps') state.taps.apply(change.key, change.value as LinkTap | null)
  else if (change.table === 'journal') {
    if (change.value !== null) state.journal.restore(change.value as JournalEntry)
  } else (state[change.table] as Table<unknown>).apply(change.key, change.value)
}
