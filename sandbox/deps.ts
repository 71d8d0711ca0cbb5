import { type Book, createBook } from './bank/book.ts'
import { createLedger, type Ledger } from './bank/ledger.ts'
import { type Bank, DEFAULT_BANKS } from './bank/policy.ts'
import type { Clock } from './clock.ts'
import { type Credentials, createCredentials } from './credentials.ts'
import { type Bus, createBus } from './events/bus.ts'
import { problems } from './http/problem.ts'
import { createIdSource, type IdSource } from './store/ids.ts'
import { createState, type SandboxState } from './store/state.ts'
import { createSender, type Send } from './webhooks/deliver.ts'
import { createOutbox, type Outbox } from './webhooks/outbox.ts'
import { signWebhook } from './webhooks/sign.ts'
import { DAY_MS, type World } from './world/types.ts'
import { createWorld } from './world/world.ts'

export interface SandboxOptions {
  seed: number
  customers: number
  /** Days of history before the clock's start. */
  days: number
  clock: Clock
  banks?: readonly Bank[]
  /** Draw secrets at random instead of deriving them from the seed. */
  randomSecrets?: boolean
  /** Required as X-Sandbox-Admin-Key on /sandbox/* when set (the server is not on loopback). */
  adminKey?: string | null
  integrationUrl?: string | null
  /** How webhooks go out; tests may slow or break it. Default: real HTTP. */
  send?: Send
}

/**
 * Everything a route needs. `world`, `book`, `ledger`, `state` and `outbox` are replaced
 * together by a reset; the rest (credentials, id counter, clock) lives as long as the process.
 */
export interface Deps {
  readonly banks: readonly Bank[]
  readonly clock: Clock
  readonly credentials: Credentials
  readonly ids: IdSource
  readonly bus: Bus
  readonly customers: number
  readonly days: number
  readonly adminKey: string | null
  /** Person indices handed to scenario runs; never reused within the process (DESIGN §7). */
  readonly claimedPeople: Set<number>
  seed: number
  world: World
  /** The world's transactions plus injected ones. */
  book: Book
  /** Balances over `book`, memoized. */
  ledger: Ledger
  state: SandboxState
  outbox: Outbox
  /** Base URL of the attached integration; redirect_uris must lie under it, webhooks go to it. */
  integrationUrl: string | null
  /** A built-in integration this process started and attached, if any. */
  runningIntegration: { name: string; close(): Promise<void> } | null
  bank(bankId: string): Bank | undefined
  /** The bank, or a not_found problem. */
  requireBank(bankId: string): Bank
  reset(seed?: number): void
}

export function createDeps(options: SandboxOptions): Deps {
  const banks = options.banks ?? DEFAULT_BANKS
  const bankIds = banks.map((bank) => bank.id)
  const { clock } = options
  const credentials = createCredentials(options.seed, bankIds, options.randomSecrets ?? false)
  const bus = createBus()
  const send = options.send ?? createSender(clock.wallNow)

  const buildWorld = (seed: number) =>
    createWorld({
      seed,
      customers: options.customers,
      bankIds,
      startDay: Math.floor(clock.now() / DAY_MS) - options.days,
    })

  const buildOutbox = () =>
    createOutbox({
      now: clock.now,
      wallNow: clock.wallNow,
      send,
      target: (bankId) =>
        deps.integrationUrl === null
          ? null
          : `${deps.integrationUrl.replace(/\/$/, '')}/webhooks/bank/${bankId}`,
      sign: (bankId, id, wallMs, body) => ({
        ...signWebhook(webhookSecrets(credentials, bankId), id, wallMs, body),
      }),
      onAttempt: (delivery, attempt) =>
        bus.publish('webhook.attempt', attempt.at, {
          id: delivery.id,
          type: delivery.type,
          bankId: delivery.bankId,
          attempt,
        }),
    })

  const world = buildWorld(options.seed)
  const book = createBook(world)
  const deps: Deps = {
    banks,
    clock,
    credentials,
    ids: createIdSource(credentials.tokenKey),
    bus,
    customers: options.customers,
    days: options.days,
    adminKey: options.adminKey ?? null,
    claimedPeople: new Set(),
    seed: options.seed,
    world,
    book,
    ledger: createLedger(book),
    state: createState(clock.now()),
    outbox: buildOutbox(),
    integrationUrl: options.integrationUrl ?? null,
    runningIntegration: null,
    bank: (bankId) => banks.find((bank) => bank.id === bankId),
    requireBank(bankId) {
      const bank = deps.bank(bankId)
      if (!bank) throw problems.notFound('No such bank.')
      return bank
    },
    reset(seed = deps.seed) {
      deps.seed = seed
      deps.world = buildWorld(seed)
      deps.book = createBook(deps.world)
      deps.ledger = createLedger(deps.book)
      deps.state = createState(clock.now())
      deps.outbox = buildOutbox()
    },
  }
  return deps
}

/** The current secret first, then the previous one while a rotation is under way. */
function webhookSecrets(credentials: Credentials, bankId: string): string[] {
  const bank = credentials.banks[bankId]
  if (!bank) return []
  return bank.previousWebhookSecret ? [bank.webhookSecret, bank.previousWebhookSecret] : [bank.webhookSecret]
}
