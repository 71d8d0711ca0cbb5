import { randomBytes } from 'node:crypto'
import { type Book, createBook } from './bank/book.ts'
import { createLedger, type Ledger } from './bank/ledger.ts'
import { type Bank, DEFAULT_BANKS, mainBankIds } from './bank/policy.ts'
import { createRunLock, type RunLock } from './control/run-lock.ts'
import type { ScenarioRunner } from './control/scenario-runner.ts'
import { type Credentials, createCredentials } from './credentials.ts'
import { type Bus, createBus } from './events/bus.ts'
import { problems } from './http/problem.ts'
import { LOCAL_TARGETS, type TargetRules } from './http/url-guard.ts'
import { memoryEngine } from './store/engine.ts'
import { createIdSource, type IdSource } from './store/ids.ts'
import type { Settings, WorldRecord, WorldSpec } from './store/records.ts'
import { type InjectedTransaction, type SandboxState, WORLD_RECORD } from './store/state.ts'
import { createStore, type Store } from './store/store.ts'
import { DAY_MS, type World } from './synthetic/types.ts'
import { createWorld } from './synthetic/world.ts'
import type { Clock } from './time/clock.ts'
import { keptClock } from './time/kept-clock.ts'
import { createSender, type Send } from './webhooks/deliver.ts'
import { createOutbox, type Delivery, type Outbox } from './webhooks/outbox.ts'
import { signWebhook } from './webhooks/sign.ts'

/** Where a world made with POST /sandbox/worlds keeps its own record (spec, last use), in its own store. */
export { WORLD_RECORD }

export interface SandboxOptions {
  seed: number
  customers: number
  /** Days of history before the clock's start. */
  days: number
  clock: Clock
  banks?: readonly Bank[]
  /** Draw secrets at random instead of deriving them from the seed. */
  randomSecrets?: boolean
  /** The server's parts, shared by all its worlds; absent, made from `adminKey`, `targets` and `scenarios`. */
  server?: ServerParts
  /** Required as X-Sandbox-Admin-Key on /sandbox/* when set (the server is not on loopback). */
  adminKey?: string | null
  integrationUrl?: string | null
  /** How webhooks go out; tests may slow or break it. Default: real HTTP. */
  send?: Send
  /**
   * Where handing out people to scenario runs starts. A long-lived integration may still
   * hold links for the people an earlier sandbox process handed out, so `serve` starts
   * somewhere random; in-process runs start at 0 and repeat exactly.
   */
  claimFrom?: number
  /** Where state is kept, holding what it kept before; default: in memory only. */
  store?: Store
  /** How outbound URLs are judged (shared mode resolves them and refuses special addresses); default: local rules. */
  targets?: TargetRules
  /** What the dashboard runs scenarios with; absent, the sandbox offers none. */
  scenarios?: ScenarioRunner
  /** Set for a world made with POST /sandbox/worlds: its tokens carry the id. */
  worldId?: string
  /** The messaging platform's default policy (`serve --platform-policy`); default open. */
  platformPolicy?: 'open' | 'window'
  /** A world's own credentials (random); otherwise they follow from the seed or `randomSecrets`. */
  credentials?: Credentials
}

/**
 * What a world holds beside the store, none of it kept: caches and work in flight. Each
 * field is declared by the module that owns it, beside its code (`declare module
 * '../deps.ts'`), and made there on first use. A cache here may be dropped at any time
 * without changing an answer; work in flight belongs to this process.
 */
// biome-ignore lint/suspicious/noEmptyInterface: its fields are declared by their owners
export interface WorldMemory {}

/** What one server shares among all its worlds. */
export interface ServerParts {
  /** Required as X-Sandbox-Admin-Key on /sandbox/* when set (the server is not on loopback). */
  readonly adminKey: string | null
  /** How outbound URLs (integration, redirect_uri, webhooks, chat, link taps) are judged. */
  readonly targets: TargetRules
  /** The worlds made on this server; absent without a server. */
  worlds?: WorldRegistry
  /** The dashboard's scenario runs; absent, the sandbox offers none. */
  scenarios?: ScenarioRunner
  /** The messaging platform's policy when a world chose none (`serve --platform-policy`); default open. */
  readonly platformPolicy?: 'open' | 'window'
}

/**
 * Everything a route needs. `world`, `book`, `ledger`, `state` and `outbox` are replaced
 * together by a reset; the rest (credentials, id counter, clock) lives as long as the process.
 * Whatever changes lives in `store` (and `state`, its tables): nothing else is kept.
 */
export interface Deps {
  readonly store: Store
  readonly banks: readonly Bank[]
  readonly clock: Clock
  readonly credentials: Credentials
  readonly ids: IdSource
  readonly bus: Bus
  readonly customers: number
  readonly days: number
  /** The server's parts, the same object in every world it serves. */
  readonly server: ServerParts
  /** Caches and work in flight, beside the store (see WorldMemory). */
  readonly memory: WorldMemory
  /** The world these deps serve: null for the default one `serve` starts. */
  readonly worldId: string | null
  /** Signs transaction cursors: random, kept by a kept store, so cursors outlive restarts and cross instances. */
  readonly cursorKey: Buffer
  /** The person index the first claim looks at. */
  readonly claimFrom: number
  seed: number
  world: World
  /** The world's transactions plus injected ones. */
  book: Book
  /** Balances over `book`, memoized. */
  ledger: Ledger
  readonly state: SandboxState
  outbox: Outbox
  /** Base URL of the attached integration; redirect_uris must lie under it, webhooks go to it. */
  integrationUrl: string | null
  /** One scenario run at a time in this world, from the CLI or the dashboard. */
  readonly runs: RunLock
  /**
   * Whether this instance makes time-driven changes (scans, expiries, terminations). Always
   * so alone; on a shared database only the instance that leads.
   */
  leads: boolean
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
  const store = options.store ?? createStore(memoryEngine())
  const settings = () => store.state.settings
  const clock = keptClock(options.clock, () => store.state)
  const credentials =
    settings().get('credentials') ??
    options.credentials ??
    createCredentials(options.seed, bankIds, options.randomSecrets ?? false)
  // Random secrets must survive a restart (and a reset) of a kept store; seed-derived ones come back by themselves.
  const keepRandomSecrets = () => {
    if ((options.randomSecrets || options.credentials) && store.engine.kind !== 'memory')
      settings().set('credentials', credentials)
  }
  keepRandomSecrets()
  // A bank that joined after these credentials were kept (a store from before summit) gets
  // a random webhook secret of its own, kept with the rest.
  const missing = bankIds.filter((bankId) => credentials.banks[bankId] === undefined)
  if (missing.length > 0) {
    Object.assign(credentials.banks, createCredentials(options.seed, missing, true).banks)
    if (store.engine.kind !== 'memory') settings().set('credentials', credentials)
  }
  // The key that signs transaction cursors: random, and kept by a kept store, so a cursor
  // outlives a restart and works through every instance sharing a database.
  const cursorKey = Buffer.from(settings().get('cursorKey') ?? randomBytes(32).toString('hex'), 'hex')
  const keepCursorKey = () => {
    if (store.engine.kind !== 'memory' && settings().get('cursorKey') === undefined)
      settings().set('cursorKey', cursorKey.toString('hex'))
  }
  keepCursorKey()
  const bus = createBus()
  const send = options.send ?? createSender(clock.wallNow, { targets: (url) => outboundRules(deps, url) })

  const worldOf = (seed: number, startDay: number) =>
    createWorld({ seed, customers: options.customers, bankIds, mainBankIds: mainBankIds(banks), startDay })
  /** A world's seed and history window are kept when it is made: a restarted store keeps them. */
  const buildWorld = (seed: number) => {
    const startDay = settings().get('startDay') ?? Math.floor(clock.now() / DAY_MS) - options.days
    if (settings().get('startDay') !== startDay) settings().set('startDay', startDay)
    if (settings().get('worldSeed') !== seed) settings().set('worldSeed', seed)
    if (!settings().has('scannedThroughMs')) settings().set('scannedThroughMs', clock.now())
    return worldOf(seed, startDay)
  }
  /** The views built over the world and the kept records, after another instance's reset. */
  const rebuildViews = () => {
    deps.seed = settings().get('worldSeed') ?? deps.seed
    deps.world = worldOf(deps.seed, settings().get('startDay') ?? deps.world.config.startDay)
    deps.book = createBook(deps.world, store.state.injected, store.state.cardFreezes)
    deps.ledger = createLedger(deps.book)
    deps.outbox = buildOutbox()
  }

  const buildOutbox = () =>
    createOutbox(
      {
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
        ...(store.engine.withDeliveryLock ? { withLock: store.engine.withDeliveryLock } : {}),
      },
      store.state.deliveries,
    )

  const world = buildWorld(settings().get('worldSeed') ?? options.seed)
  const book = createBook(world, store.state.injected, store.state.cardFreezes)
  if (options.integrationUrl !== undefined) settings().set('integrationUrl', options.integrationUrl)
  const deps: Deps = {
    store,
    banks,
    clock,
    credentials,
    ids: createIdSource(undefined, options.worldId ?? null),
    bus,
    customers: options.customers,
    days: options.days,
    server: options.server ?? {
      adminKey: options.adminKey ?? null,
      targets: options.targets ?? LOCAL_TARGETS,
      ...(options.scenarios ? { scenarios: options.scenarios } : {}),
      ...(options.platformPolicy ? { platformPolicy: options.platformPolicy } : {}),
    },
    worldId: options.worldId ?? null,
    cursorKey,
    memory: {},
    runs: createRunLock(clock.wallNow, () => deps.ids.next('run')),
    claimFrom: options.claimFrom ?? 0,
    seed: world.config.seed,
    world,
    book,
    ledger: createLedger(book),
    get state() {
      return store.state
    },
    outbox: buildOutbox(),
    get integrationUrl() {
      return settings().get('integrationUrl') ?? null
    },
    set integrationUrl(url) {
      settings().set('integrationUrl', url)
    },
    runningIntegration: null,
    leads: store.engine.tryLead === undefined,
    bank: (bankId) => banks.find((bank) => bank.id === bankId),
    requireBank(bankId) {
      const bank = deps.bank(bankId)
      if (!bank) throw problems.notFound('No such bank.')
      return bank
    },
    reset(seed = deps.seed) {
      // What belongs to the process, not the world, outlives the reset: the attached
      // integration, the clock, the secrets and the people already handed out.
      const integrationUrl = deps.integrationUrl
      const claimed = [...store.state.claimed.keys()]
      const clientKeys = [...store.state.clientKeys]
      const worldRecord = settings().get(WORLD_RECORD)
      store.reset()
      // A client's registered keys are its setup, like the credentials: kept.
      for (const [key, record] of clientKeys) store.state.clientKeys.set(key, record)
      deps.integrationUrl = integrationUrl
      if (worldRecord !== undefined) settings().set(WORLD_RECORD, worldRecord)
      for (const index of claimed) store.state.claimed.set(index, true)
      clock.setMode(clock.mode())
      keepRandomSecrets()
      keepCursorKey()
      deps.seed = seed
      deps.world = buildWorld(seed)
      deps.book = createBook(deps.world, store.state.injected, store.state.cardFreezes)
      deps.ledger = createLedger(deps.book)
      deps.outbox = buildOutbox()
    },
  }
  // Instances sharing a database: what another one changed reaches the views built here.
  store.onExternalChange((change) => {
    if (change.value === null) return
    if (change.table === 'injected') deps.book.learn(change.value as InjectedTransaction)
    else if (change.table === 'cardFreezes') deps.book.freezesChanged()
    else if (change.table === 'deliveries') deps.outbox.adopt(change.value as Delivery)
    else if (change.table === 'settings' && change.key === 'clock')
      clock.follow(change.value as Settings['clock'])
    else if (change.table === 'settings' && (change.key === 'startDay' || change.key === 'worldSeed'))
      rebuildViews()
    else if (change.table === 'settings' && change.key === 'credentials')
      Object.assign(credentials.banks, (change.value as Credentials).banks)
  })
  return deps
}

/** Keeps the credentials after a change (a rotated webhook secret). */
export function keepCredentials(deps: Deps): void {
  deps.state.settings.set('credentials', deps.credentials)
}

/** The current secret first, then the previous one while a rotation is under way. */
function webhookSecrets(credentials: Credentials, bankId: string): string[] {
  const bank = credentials.banks[bankId]
  if (!bank) return []
  return bank.previousWebhookSecret ? [bank.webhookSecret, bank.previousWebhookSecret] : [bank.webhookSecret]
}

/** A sender for one sandbox: its rules for targets, its built-in integration always allowed. */
export function senderFor(deps: Deps): Send {
  return createSender(deps.clock.wallNow, { targets: (url) => outboundRules(deps, url) })
}

/**
 * The rules an outbound URL is judged by: none for the built-in integration this process
 * started (it listens on loopback, in this very process), the sandbox's own otherwise.
 */
export function outboundRules(deps: Deps, url: string): TargetRules | null {
  const base = deps.integrationUrl
  const builtIn = deps.runningIntegration !== null && base !== null
  return builtIn && (url === base || url.startsWith(`${base.replace(/\/+$/, '')}/`))
    ? null
    : deps.server.targets
}

export type { WorldRecord, WorldSpec } from './store/records.ts'

/** What it takes to serve one world; made by the server, which knows how to build an app. */
export interface OpenedWorld {
  readonly deps: Deps
  // biome-ignore lint/suspicious/noExplicitAny: the node adapter's env, handed on as it came
  fetch(request: Request, env?: any): Response | Promise<Response>
  /** Notes a use in the kept record (now and then, not on every call). */
  keepLastUse(lastUsedMs: number): void
  /** Stops serving it; its records stay (a restart opens it again). */
  close(): Promise<void>
  /** Stops serving it and forgets its records. */
  drop(): Promise<void>
}

export interface LiveWorld extends OpenedWorld {
  readonly id: string
  /** As kept; other instances' uses reach it as they are kept. */
  readonly record: WorldRecord
  /** The last use this instance saw. */
  lastUsedMs: number
}

export interface WorldRegistry {
  readonly maxWorlds: number
  readonly ttlMs: number
  /** A new world, or a rate_limited problem when the server holds its limit of live worlds. */
  create(spec: WorldSpec): LiveWorld
  /** The live world, marked as used now; undefined once deleted, expired or never made. */
  use(id: string): LiveWorld | undefined
  /** The live world without marking it used (listing, the dashboard's picker). */
  peek(id: string): LiveWorld | undefined
  /** Serves a world opened from kept records (a restart, or one another instance made). */
  restore(id: string, opened: OpenedWorld, record: WorldRecord): LiveWorld
  /** Stops serving a world another instance deleted; its records are already gone. */
  forget(id: string): void
  remove(id: string): Promise<boolean>
  /** Live worlds in the order they were made. */
  list(): LiveWorld[]
  closeAll(): Promise<void>
}
