import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { BUILT_IN_INTEGRATIONS } from '../fixtures/integrations.ts'
import type { SandboxCredentials } from '../fixtures/reference/config.ts'
import { startIntegration } from '../fixtures/reference/server.ts'
import { scenarioNamed } from '../scenarios/catalogue.ts'
import { startExternalTarget } from '../scenarios/external.ts'
import { runSerially } from '../scenarios/runner.ts'
import { type SandboxProcess, startSandboxProcess } from './support/sandbox-process.ts'

// The customer-service scenarios on a sandbox that keeps its state: the reference passes
// them twice in a row on one --data-dir sandbox and again after a kill -9 and a restart,
// and after the restart each faulty integration made for them still fails exactly what it
// lists there. The in-process matrix (scenarios.test.ts) covers a fresh sandbox.

const CUSTOMER_SERVICE = ['card-controls', 'dispute-in-chat', 'human-handover', 'messaging-window']
const scenarios = CUSTOMER_SERVICE.map((name) => {
  const scenario = scenarioNamed(name)
  if (!scenario) throw new Error(`no scenario ${name}`)
  return scenario
})

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const close of cleanups.splice(0).reverse()) await close()
})

/** scenario → the ids of its failed expectations (`error` for a run that broke), sorted; passing ones left out. */
function failures(results: Awaited<ReturnType<typeof runSerially>>): Record<string, string[]> {
  const failed: Record<string, string[]> = {}
  for (const r of results) {
    const ids = [...(r.error ? ['error'] : []), ...r.verdicts.filter((v) => !v.passed).map((v) => v.id)]
    if (ids.length > 0) failed[r.scenario] = ids.sort()
  }
  return failed
}

async function runOn(sandbox: SandboxProcess, quirks = {}, names = CUSTOMER_SERVICE) {
  const credentials = (await (await fetch(`${sandbox.url}/sandbox/credentials`)).json()) as SandboxCredentials
  const integration = await startIntegration({ sandboxUrl: sandbox.url, credentials, quirks })
  try {
    const target = await startExternalTarget(integration.url, { sandboxUrl: sandbox.url, reactionMs: 1_500 })
    try {
      return failures(
        await runSerially(
          scenarios.filter((s) => names.includes(s.name)),
          target,
        ),
      )
    } finally {
      await target.close() // lets the next run have the sandbox
    }
  } finally {
    await integration.close()
  }
}

describe('customer service on a --data-dir sandbox', () => {
  test('the reference passes twice in a row and after a kill -9; each new faulty integration fails exactly its list', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bank-sandbox-data-'))
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }))
    const args = ['--seed', '42', '--customers', '400', '--integration', 'none', '--data-dir', dir]
    const first = await startSandboxProcess(args)
    cleanups.push(first.stop)
    expect(await runOn(first)).toEqual({})
    expect(await runOn(first)).toEqual({})
    await first.kill()
    const again = await startSandboxProcess(args, first.port)
    cleanups.push(again.stop)
    expect(await runOn(again)).toEqual({})
    for (const faulty of BUILT_IN_INTEGRATIONS) {
      const listed = (faulty.caughtBy ?? []).filter((found) => CUSTOMER_SERVICE.includes(found.scenario))
      if (listed.length === 0) continue
      const names = listed.map((found) => found.scenario)
      const expected = Object.fromEntries(
        listed.map((found) => [found.scenario, [...found.expectations].sort()]),
      )
      const seen = await runOn(again, faulty.quirks, names)
      expect({ [faulty.name]: seen }).toEqual({ [faulty.name]: expected })
    }
  }, 600_000)
})
