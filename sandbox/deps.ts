import { type Book, createBook } from './bank/book.ts'
import { createLedger, type Ledger } from './bank/ledger.ts'
import { type Bank, DEFAULT_BANKS } from './bank/policy.ts'
import type { Clock } from './clock.ts'
import { type Credentials, createCredentials } from './credentials.ts'
import { createIdSource, type IdSource } from './store/ids.ts'
import { createState, type SandboxState } from './store/state.ts'
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
}

/** Everything a route needs. `world` and `state` are replaced by a reset; the rest lives as long as the process. */
export interface Deps {
  readonly banks: readonly Bank[]
  readonly clock: Clock
  readonly credentials: Credentials
  readonly ids: IdSource
  readonly customers: number
  readonly days: number
  readonly adminKey: string | null
  seed: number
  world: World
  /** The world's transactions plus injected ones; replaced with the world. */
  book: Book
  /** Balances over `book`, memoized; replaced with it. */
  ledger: Ledger
  state: SandboxState
  /** Base URL of the attached integration; redirect_uris must lie under it. */
  integrationUrl: string | null
  bank(bankId: string): Bank | undefined
  reset(seed?: number): void
}

export function createDeps(options: SandboxOptions): Deps {
  const banks = options.banks ?? DEFAULT_BANKS
  const bankIds = banks.map((bank) => bank.id)
  const credentials = createCredentials(options.seed, bankIds, options.randomSecrets ?? false)
  const buildWorld = (seed: number) =>
    createWorld({
      seed,
      customers: options.customers,
      bankIds,
      startDay: Math.floor(options.clock.now() / DAY_MS) - options.days,
    })

  const world = buildWorld(options.seed)
  const book = createBook(world)
  const deps: Deps = {
    banks,
    clock: options.clock,
    credentials,
    ids: createIdSource(credentials.tokenKey),
    customers: options.customers,
    days: options.days,
    adminKey: options.adminKey ?? null,
    seed: options.seed,
    world,
    book,
    ledger: createLedger(book),
    state: createState(),
    integrationUrl: options.integrationUrl ?? null,
    bank: (bankId) => banks.find((bank) => bank.id === bankId),
    reset(seed = deps.seed) {
      deps.seed = seed
      deps.world = buildWorld(seed)
      deps.book = createBook(deps.world)
      deps.ledger = createLedger(deps.book)
      deps.state = createState()
    },
  }
  return deps
}
