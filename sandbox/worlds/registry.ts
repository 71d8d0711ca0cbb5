import type { LiveWorld, OpenedWorld, WorldRecord, WorldRegistry } from '../deps.ts'
import { Problem } from '../http/problem.ts'

// The worlds made on one server beside the default one: isolated tenants, say one per CI
// job. Each is a whole sandbox of its own (store, clock, credentials, integration), so
// nothing one does can show in another. Their number is bounded, and a world nobody has
// used for the TTL is let go: after that its id answers 404 and its tokens 401.

export type { LiveWorld, OpenedWorld, WorldRecord, WorldRegistry, WorldSpec } from '../deps.ts'

export interface RegistryOptions {
  maxWorlds: number
  ttlMs: number
  wallNow: () => number
  newId: () => string
  open: (id: string, record: WorldRecord) => OpenedWorld
  /**
   * Whether an expired world's records may be forgotten here. On a shared database only the
   * leading instance, which sees every instance's use of a world, forgets them; the others
   * only stop serving it.
   */
  mayDrop: () => boolean
}

export const DEFAULT_MAX_WORLDS = 100
export const DEFAULT_WORLD_TTL_MS = 24 * 3_600_000
/** How often idle worlds are looked for, so an expired one frees its memory even if nobody asks for it. */
const SWEEP_EVERY_MS = 60_000
/** A use is written to the kept record at most this often. */
const KEEP_USE_EVERY_MS = 60_000

export function createWorldRegistry(options: RegistryOptions): WorldRegistry {
  const worlds = new Map<string, LiveWorld>()
  let made = 0

  const expired = (world: LiveWorld) => options.wallNow() - lastUseOf(world) > options.ttlMs
  const letGo = (world: LiveWorld) => {
    worlds.delete(world.id)
    const done = options.mayDrop() ? world.drop() : world.close()
    done.catch((error: unknown) => console.error('A world did not close cleanly:', error))
  }
  const sweep = () => {
    for (const world of worlds.values()) if (expired(world)) letGo(world)
  }
  const sweeper = setInterval(sweep, Math.min(SWEEP_EVERY_MS, options.ttlMs))
  sweeper.unref()

  const peek = (id: string) => {
    const world = worlds.get(id)
    if (world && expired(world)) {
      letGo(world)
      return undefined
    }
    return world
  }
  const serve = (id: string, opened: OpenedWorld, record: WorldRecord): LiveWorld => {
    const world: LiveWorld = Object.assign(opened, { id, record, lastUsedMs: record.lastUsedMs })
    worlds.set(id, world)
    made = Math.max(made, record.number)
    return world
  }

  return {
    maxWorlds: options.maxWorlds,
    ttlMs: options.ttlMs,
    create(spec) {
      sweep()
      if (worlds.size >= options.maxWorlds) {
        throw new Problem(
          'rate_limited',
          `This sandbox already holds its limit of ${options.maxWorlds} live worlds. Delete one you are done with (DELETE /sandbox/worlds/{id}), or wait for an idle one to expire.`,
          { headers: { 'Retry-After': '60' } },
        )
      }
      const id = options.newId()
      const now = options.wallNow()
      const record: WorldRecord = { ...spec, number: made + 1, createdAtMs: now, lastUsedMs: now }
      return serve(id, options.open(id, record), record)
    },
    use(id) {
      const world = peek(id)
      if (!world) return undefined
      const now = options.wallNow()
      world.lastUsedMs = now
      if (now - world.record.lastUsedMs >= KEEP_USE_EVERY_MS) {
        world.record.lastUsedMs = now
        world.keepLastUse(now)
      }
      return world
    },
    peek,
    restore: (id, opened, record) => serve(id, opened, record),
    forget(id) {
      const world = worlds.get(id)
      if (!world) return
      worlds.delete(id)
      world.close().catch((error: unknown) => console.error('A world did not close cleanly:', error))
    },
    async remove(id) {
      const world = worlds.get(id)
      if (!world) return false
      worlds.delete(id)
      await world.drop()
      return true
    },
    list() {
      sweep()
      return [...worlds.values()]
    },
    async closeAll() {
      clearInterval(sweeper)
      const all = [...worlds.values()]
      worlds.clear()
      await Promise.all(all.map((world) => world.close()))
    },
  }
}

/** A world's last use: this instance's, or a later one another instance kept. */
export function lastUseOf(world: LiveWorld): number {
  return Math.max(world.lastUsedMs, world.record.lastUsedMs)
}
