import { randomBytes, randomInt } from 'node:crypto'
import { type Credentials, createCredentials } from '../credentials.ts'
import { createDeps, type Deps, WORLD_RECORD } from '../deps.ts'
import { closeFeedOf } from '../events/sse-feed.ts'
import { createApp } from '../serving/app.ts'
import { keptFetch } from '../serving/kept-fetch.ts'
import { createStore, type Store } from '../store/store.ts'
import { createClock } from '../time/clock.ts'
import { startTicking } from '../time/tick.ts'
import type { OpenedWorld, WorldRecord, WorldRegistry } from './registry.ts'

// One world made on a running server: a sandbox of its own beside the default world, with
// its own store (kept in the server's database under the world's id, when there is one),
// clock (taken up where the default one reads now), random credentials and integration.
// Only the banks, the admin key and the scenario runner are the server's.

export function openWorld(server: Deps, id: string, record: WorldRecord, kept?: Store): OpenedWorld {
  const store = kept ?? createStore(server.store.engine.world(id))
  const clock = createClock({
    startMs: server.clock.now(),
    mode: server.clock.mode(),
    wallNow: server.clock.wallNow,
  })
  const deps = createDeps({
    seed: record.seed,
    customers: record.customers,
    days: record.days,
    clock,
    banks: server.banks,
    server: server.server,
    worldId: id,
    credentials: worldCredentials(
      id,
      server.banks.map((bank) => bank.id),
    ),
    // An integration may outlive its world and hold links for people it handed out.
    claimFrom: randomInt(record.customers),
    store,
  })
  const registry = server.server.worlds
  store.state.settings.set(WORLD_RECORD, record)
  // Another instance on the database used it (the idle clock starts again), or deleted it.
  store.onExternalChange((change) => {
    if (change.table !== 'settings' || change.key !== WORLD_RECORD) return
    if (change.value === null) registry?.forget(id)
    else record.lastUsedMs = Math.max(record.lastUsedMs, (change.value as WorldRecord).lastUsedMs)
  })
  const fetch = keptFetch(deps, createApp(deps).fetch)
  const stopTicking = startTicking(deps)
  const stop = async () => {
    stopTicking()
    // Its live event streams end: a subscriber must not hold a world nobody can reach.
    closeFeedOf(deps)
    await deps.runningIntegration?.close()
    deps.runningIntegration = null
  }
  return {
    deps,
    fetch,
    keepLastUse(lastUsedMs) {
      store.state.settings.set(WORLD_RECORD, { ...record, lastUsedMs })
    },
    async close() {
      await stop()
      await store.close()
    },
    async drop() {
      await stop()
      await store.drop()
    },
  }
}

/** Random secrets, and a client id and page token that name the world, so its calls find it. */
export function worldCredentials(id: string, bankIds: readonly string[]): Credentials {
  const credentials = createCredentials(0, bankIds, true)
  credentials.clientId = `platform-${id}`
  credentials.platform.pageToken = `pt_${id}.${randomBytes(30).toString('base64url')}`
  return credentials
}

/**
 * Opens a world from what the server's database keeps of it: at start for every kept world,
 * and when another instance on a shared database made one this instance has not seen.
 * Undefined when nothing (or only a deleted world's remains) is kept.
 */
export async function reopenWorld(server: Deps, registry: WorldRegistry, id: string) {
  const engine = server.store.engine.world(id)
  const store = createStore(engine, await engine.load())
  const record = store.state.settings.get(WORLD_RECORD)
  if (!record || registry.peek(id)) {
    // Rows without a record are what deleting a world once left behind. A database of its
    // own lets them go; a shared one may be writing a new world's first rows just now.
    if (!record && !engine.changesFromOthers) await store.drop()
    else await store.close()
    return registry.peek(id)
  }
  return registry.restore(id, openWorld(server, id, record, store), record)
}
