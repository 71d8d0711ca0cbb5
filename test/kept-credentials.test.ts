import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import type { Credentials } from '../sandbox/credentials.ts'
import { createDeps } from '../sandbox/deps.ts'
import { sqliteEngine } from '../sandbox/store/sqlite.ts'
import { createStore } from '../sandbox/store/store.ts'
import { createClock } from '../sandbox/time/clock.ts'

// Random secrets kept by a --data-dir store from before a bank joined: the new bank gets a
// webhook secret of its own, kept from then on; the others keep theirs.

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

async function open(dir: string) {
  const engine = sqliteEngine(dir)
  const store = createStore(engine, await engine.load())
  const clock = createClock({
    startMs: Date.parse('2026-06-15T12:00:00Z'),
    mode: 'frozen',
    wallNow: Date.now,
  })
  return createDeps({ seed: 42, customers: 20, days: 10, clock, store, randomSecrets: true })
}

describe('kept credentials', () => {
  test('a bank missing from kept random credentials gets its own secret, kept across the next restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bank-sandbox-credentials-'))
    dirs.push(dir)
    const first = await open(dir)
    // As a store kept before summit joined: its credentials name the other banks only.
    const { summit: _summit, ...older } = first.credentials.banks
    first.state.settings.set('credentials', { ...first.credentials, banks: older })
    await first.store.close()

    const second = await open(dir)
    const kept = second.state.settings.get('credentials') as Credentials
    expect(second.credentials.banks.summit?.webhookSecret).toMatch(/^whsec_/)
    expect(kept.banks.summit).toEqual(second.credentials.banks.summit)
    expect(second.credentials.banks.harbor).toEqual(older.harbor)
    await second.store.close()

    const third = await open(dir)
    expect(third.credentials.banks.summit).toEqual(second.credentials.banks.summit)
    await third.store.close()
  })
})
