// The control API (`/sandbox/*`) as typed calls, for an integration's own tests: link a
// customer, make them spend, revoke, withdraw a bank, move the clock, read the chat. It
// works against any sandbox: one in this process (`startSandbox`) or `bank-sandbox serve`.
// The scenario runner drives the sandbox with it too, only through this HTTP surface, so
// the same code runs against an in-process sandbox and one an external integration uses.
// The wire types are spelled out here so that the package's .d.ts stands alone;
// client.test.ts holds them equal to the zod schemas the routes answer with.

export type Scope =
  | 'accounts:read'
  | 'balances:read'
  | 'transactions:read'
  | 'transactions.all:read'
  | 'alerts'
  | 'cards:write'
  | 'disputes:write'
export type Purpose = 'account_servicing' | 'fraud_prevention' | 'customer_support'

/** Integer minor units (cents); a debit is negative. */
export interface Money {
  amount: number
  currency: 'USD'
}
export interface Merchant {
  name: string
  /** ISO 18245 merchant category code. */
  mcc: string
  category: string
}
export interface Account {
  id: string
  type: 'checking' | 'savings' | 'credit'
  name: string
  mask: string
  currency: 'USD'
}
export interface Card {
  id: string
  accountId: string
  kind: 'debit' | 'credit'
  network: string
  last4: string
  expiry: string
  status: 'active' | 'frozen' | 'replaced'
}
export interface Transaction {
  id: string
  accountId: string
  cardId: string | null
  amount: Money
  status: 'pending' | 'posted'
  bookedAt: string
  merchant: Merchant
  channel: 'in_store' | 'online' | 'platform'
  description: string
}
export interface Consent {
  id: string
  bankId: string
  customerId: string
  clientId: string
  scopes: Scope[]
  purpose: Purpose
  status: 'active' | 'revoked' | 'expired'
  createdAt: string
  expiresAt: string
  revokedAt: string | null
  revokedBy: 'customer' | 'platform' | 'bank' | null
}
/** A customer as the bank sees them (the control API's full view; the bank API shows less). */
export interface Customer {
  id: string
  bankId: string
  platformUserId: string
  name: string
  email: string
  phone: string
  archetype: string
  address: { line1: string; city: string; state: string; postalCode: string; country: string }
  accounts: Account[]
  cards: Card[]
}
export interface Credentials {
  clientId: string
  clientSecret: string
  /** previousWebhookSecret is set while a rotation is under way. */
  banks: Record<string, { webhookSecret: string; previousWebhookSecret?: string }>
  platform: { appSecret: string; pageToken: string; pageId: string }
}
export interface ChatLine {
  mid: string
  userId: string
  /** to_user: sent by the integration through the Send API; from_user: typed by the user. */
  direction: 'to_user' | 'from_user'
  text: string
  /** Quick replies the integration offered under this line. */
  quickReplies?: { title: string; payload: string }[]
  /** A tapped quick reply's payload (the line's text is its title). */
  quickReplyPayload?: string
  /** Written by the page's human inbox (its agent), not the integration. */
  appId?: 'inbox'
  /** An opt-in request; the text is its title. */
  template?: 'notification_messages'
  at: string
  /** Wall-clock time the line was written. */
  wallAt?: string
}
export interface ClockState {
  now: string
  mode: 'real' | 'frozen'
}
export interface Partnership {
  bankId: string
  status: 'active' | 'terminating' | 'terminated'
  effectiveAt: string | null
}
export interface JournalEntry {
  id: number
  /** When the call was answered, on the simulation clock. */
  at: string
  /** When the call arrived, on the wall clock. */
  wallAt: string
  bankId: string | null
  method: string
  route: string
  path: string
  consentId: string | null
  status: number
  latencyMs: number
  /** The consent scope a data answer was served under; null for anything else. */
  scope: string | null
  /** How many records the answer carried. */
  records: number
  /** For transaction answers, how many records were spent where; null otherwise. */
  channels: { platform: number; inStore: number; online: number } | null
  /** The problem code of a refused messaging-platform call. */
  code?: string
  /** A platform rule the call broke (`human_agent_tag_from_bot`). */
  policyViolation?: string
}
export interface Delivery {
  id: string
  bankId: string
  type: string
  status: string
  attempts: {
    number: number
    at: string
    /** The simulation time of the attempt. */
    simulatedAt?: string | undefined
    statusCode: number | null
    latencyMs: number
    error: string | null
  }[]
  payload: { data?: Record<string, unknown> }
}

/** A person handed out to one scenario run: their chat user and, per bank, a customer and card. */
export interface ClaimedPerson {
  platformUserId: string
  name: string
  banks: Record<string, { customerId: string; cardId: string; last4: string }>
}
/** What happened when the simulated user tapped an authorize link. */
export interface LinkTap {
  mid: string
  userId: string
  bankId: string
  at: string
  outcome: 'pending' | 'linked' | 'denied' | 'refused' | 'callback_failed'
  /** The OAuth `error` sent to the redirect_uri, or the problem code of a refusal. */
  error: string | null
  consentId: string | null
  /** The redirect_uri's HTTP status; null when not called or unanswered. */
  status: number | null
  /** Why the redirect_uri gave no HTTP answer (timeout, refused). */
  callbackError: string | null
}

/** A control call that answered an error: its status and the problem's code and detail. */
export class ControlError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | undefined,
    readonly detail: string | undefined,
  ) {
    super(message)
  }
}

/** The header that picks a world on a sandbox serving several; absent, the default world. */
export const WORLD_HEADER = 'X-Sandbox-World'

export interface Spend {
  /** Minor units (cents); negative is a charge, as on a statement. */
  amount: number
  /** A merchant name, or the whole merchant; default: a plausible one for `mcc`. */
  merchant?: string | Merchant
  /** ISO 18245 merchant category code; default 5999. */
  mcc?: string
  channel?: 'in_store' | 'online' | 'platform'
  /** How many charges (a burst); default 1. */
  count?: number
  /** The burst is spread evenly over this many ms, ending now; default 0. */
  spreadMs?: number
  /** Where the charge happened (a city of the synthetic world); default the customer's home. */
  city?: string
}

export interface SandboxClient {
  readonly url: string
  /** Any control call, for what has no helper here; throws with the problem's code and detail. */
  call<T>(method: string, path: string, body?: unknown): Promise<T>
  credentials(): Promise<Credentials>
  /** Points webhooks and redirects at an integration: a URL, `reference`, `faulty/<name>`, or null. */
  attach(integration: string | null): Promise<{ url: string | null }>
  customers(
    bankId: string,
    page?: { limit?: number; cursor?: string },
  ): Promise<{ data: Customer[]; nextCursor: string | null }>
  customer(bankId: string, customerId: string): Promise<Customer>
  /**
   * The customer approves a link without the chat (the consent shortcut): a consent and a
   * single-use authorization code for the integration to exchange at the token endpoint.
   */
  link(
    bankId: string,
    customerId: string,
    grant?: { scopes?: Scope[]; purpose?: Purpose },
  ): Promise<{ consent: Consent; code: string }>
  /** A customer's consents at a bank, oldest first. */
  consents(bankId: string, customerId: string): Promise<Consent[]>
  /** One card charge or a burst: the fraud engine and the webhooks react as to real ones. */
  spend(bankId: string, cardId: string, spend: Spend): Promise<Transaction[]>
  /** The customer revokes at the bank: the consent's tokens die, consent.revoked goes out. */
  revoke(bankId: string, consentId: string): Promise<Consent>
  /** The bank withdraws: `terminating` (default notice 30 days) or `terminated` at once. */
  withdraw(
    bankId: string,
    withdrawal: { status: 'terminating' | 'terminated'; effectiveAt?: string },
  ): Promise<Partnership>
  /** Takes a withdrawal back (partnership.restored). */
  restore(bankId: string): Promise<Partnership>
  readonly clock: {
    read(): Promise<ClockState>
    /** Forward by `ms`, in moves of at most 400 days; what falls due on the way happens. */
    advance(ms: number): Promise<ClockState>
    /** Jump forward to an instant, or freeze and unfreeze. */
    set(move: { to?: string; mode?: 'real' | 'frozen' }): Promise<ClockState>
  }
  /** The chat with one platform user, oldest first, as the user sees it. */
  chat(platformUserId: string): Promise<ChatLine[]>
  /** The user types to the integration's bot. */
  say(platformUserId: string, text: string): Promise<{ mid: string }>
  /** The authorize links the user tapped, and how each ended. */
  taps(platformUserId: string): Promise<LinkTap[]>
  /** Hands out a person with a customer at each of `banks`, avoiding anyone linked at `notAt`. */
  claim(banks: string[], notAt: string[]): Promise<ClaimedPerson>
  journal(): Promise<JournalEntry[]>
  deliveries(): Promise<Delivery[]>
  /** Waits until no webhook or platform delivery is in flight. */
  settle(): Promise<{ settled: boolean }>
  /** A fresh world; credentials stay. */
  reset(seed?: number): Promise<{ seed: number }>
}

/** What the consent shortcut asks for by default; each bank grants what its policy allows. */
const DEFAULT_SCOPES: Scope[] = ['accounts:read', 'balances:read', 'transactions:read', 'alerts']
const MAX_CLOCK_MOVE_MS = 400 * 86_400_000

/** `world`: a world made with POST /sandbox/worlds, which every call then goes to (default: the default world). */
export function createSandboxClient(
  url: string,
  options: { adminKey?: string; world?: string } = {},
): SandboxClient {
  const base = url.replace(/\/+$/, '')
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {}
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    if (options.adminKey) headers['X-Sandbox-Admin-Key'] = options.adminKey
    if (options.world) headers[WORLD_HEADER] = options.world
    const res = await fetch(`${base}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    if (!res.ok) {
      const problem = (await res.json().catch(() => ({}))) as { detail?: string; code?: string }
      throw new ControlError(
        `${method} ${path.split('?')[0]} answered ${res.status} ${problem.code ?? ''}: ${problem.detail ?? ''}`,
        res.status,
        problem.code,
        problem.detail,
      )
    }
    return (res.status === 204 ? undefined : await res.json()) as T
  }
  /** Every page of a paged control list, oldest first. */
  async function everyPage<T>(path: string): Promise<T[]> {
    const all: T[] = []
    for (let cursor: string | null = null; ; ) {
      const page: { data: T[]; nextCursor: string | null } = await call(
        'GET',
        cursor === null ? path : `${path}?cursor=${encodeURIComponent(cursor)}`,
      )
      all.push(...page.data)
      if (page.nextCursor === null) return all
      cursor = page.nextCursor
    }
  }
  const chatOf = (userId: string) =>
    call<{ data: ChatLine[]; links: LinkTap[] }>('GET', `/sandbox/platform/users/${userId}/messages`)
  const bank = (bankId: string) => `/sandbox/banks/${encodeURIComponent(bankId)}`
  const readClock = () => call<ClockState>('GET', '/sandbox/clock')

  return {
    url: base,
    call,
    credentials: () => call<Credentials>('GET', '/sandbox/credentials'),
    attach: (integration) => call('PUT', '/sandbox/integration', { url: integration }),
    customers: (bankId, page = {}) => {
      const query = new URLSearchParams(Object.entries(page).map(([k, v]) => [k, String(v)]))
      return call('GET', `${bank(bankId)}/customers?${query}`)
    },
    customer: (bankId, customerId) =>
      call('GET', `${bank(bankId)}/customers/${encodeURIComponent(customerId)}`),
    link: (bankId, customerId, grant = {}) =>
      call('POST', `${bank(bankId)}/customers/${encodeURIComponent(customerId)}/consents`, {
        scopes: grant.scopes ?? DEFAULT_SCOPES,
        purpose: grant.purpose ?? 'account_servicing',
      }),
    consents: async (bankId, customerId) =>
      (
        await call<{ data: Consent[] }>(
          'GET',
          `${bank(bankId)}/consents?customerId=${encodeURIComponent(customerId)}`,
        )
      ).data,
    spend: async (bankId, cardId, { amount, ...rest }) =>
      (
        await call<{ data: Transaction[] }>(
          'POST',
          `${bank(bankId)}/cards/${encodeURIComponent(cardId)}/transactions`,
          { amount: { amount, currency: 'USD' }, ...rest },
        )
      ).data,
    revoke: (bankId, consentId) =>
      call('POST', `${bank(bankId)}/consents/${encodeURIComponent(consentId)}/revoke`),
    withdraw: (bankId, withdrawal) => call('POST', `${bank(bankId)}/partnership`, withdrawal),
    restore: (bankId) => call('POST', `${bank(bankId)}/partnership`, { status: 'active' }),
    clock: {
      read: readClock,
      async advance(ms) {
        let state = await readClock()
        for (let left = ms; left > 0; left -= MAX_CLOCK_MOVE_MS)
          state = await call<ClockState>('POST', '/sandbox/clock', {
            advanceMs: Math.min(left, MAX_CLOCK_MOVE_MS),
          })
        return state
      },
      set: (move) => call('POST', '/sandbox/clock', move),
    },
    chat: async (platformUserId) => (await chatOf(platformUserId)).data,
    say: (platformUserId, text) =>
      call('POST', `/sandbox/platform/users/${platformUserId}/messages`, { text }),
    taps: async (platformUserId) => (await chatOf(platformUserId)).links,
    claim: (banks, notAt) => call('POST', '/sandbox/people/claim', { banks, notAt }),
    journal: () => everyPage('/sandbox/journal'),
    deliveries: () => everyPage('/sandbox/webhooks'),
    settle: () => call('POST', '/sandbox/settle'),
    reset: (seed) => call('POST', '/sandbox/reset', seed === undefined ? {} : { seed }),
  }
}
