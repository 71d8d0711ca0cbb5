import { describe, expect, test } from 'vitest'
import { BUILT_IN_INTEGRATIONS } from '../fixtures/integrations.ts'
import { runBuiltIn } from '../scenarios/built-in.ts'
import { SCENARIOS, scenarioNamed } from '../scenarios/catalogue.ts'
import { jsonReport, junitReport, textReport } from '../scenarios/report.ts'

// The proof that the checker can fail: every scenario passes against the reference, and
// each faulty integration fails its scenario on exactly the expectations its bug breaks.

describe('scenario matrix', () => {
  test('every built-in scenario passes against the reference integration', async () => {
    const results = await runBuiltIn(SCENARIOS, 'reference')
    const failures = results.flatMap((r) =>
      r.error
        ? [`${r.scenario}: ${r.error}`]
        : r.verdicts.filter((v) => !v.passed).map((v) => `${r.scenario}/${v.id}: ${v.message}`),
    )
    expect(failures).toEqual([])
    expect(results.map((r) => r.scenario)).toEqual(SCENARIOS.map((s) => s.name))
    expect(results.every((r) => r.verdicts.length > 0)).toBe(true)
  })

  const faulty = BUILT_IN_INTEGRATIONS.filter((i) => i.caughtBy !== undefined)

  test.each(faulty.map((i) => [i.name, i] as const))(
    '%s fails its scenario with exactly the named findings',
    async (_name, integration) => {
      const caughtBy = integration.caughtBy
      if (!caughtBy) throw new Error('unreachable')
      const scenario = scenarioNamed(caughtBy.scenario)
      if (!scenario) throw new Error(`no scenario ${caughtBy.scenario}`)
      const [result] = await runBuiltIn([scenario], integration.name)
      expect(result?.error).toBeUndefined()
      expect(result?.passed).toBe(false)
      const failed = (result?.verdicts ?? []).filter((v) => !v.passed).map((v) => v.id)
      expect(failed.sort()).toEqual([...caughtBy.expectations].sort())
      // and every failure explains itself with evidence or a message
      for (const verdict of result?.verdicts.filter((v) => !v.passed) ?? [])
        expect(verdict.message.length).toBeGreaterThan(10)
    },
  )

  test('every faulty integration is caught, and every scenario catches something or guards the reference', () => {
    expect(faulty.length).toBeGreaterThanOrEqual(7)
    for (const integration of faulty)
      expect(scenarioNamed(integration.caughtBy?.scenario ?? '')).toBeDefined()
  })
})

describe('reports', () => {
  const result = {
    scenario: 'fraud-burst',
    title: 'Fraud burst',
    integration: 'faulty/alert-spammer',
    passed: false,
    durationMs: 812,
    verdicts: [
      { id: 'acks-in-time', says: 'Acks <2 s', passed: true, message: 'ok', evidence: [] },
      {
        id: 'alerts-coalesced',
        says: 'At most two',
        passed: false,
        message: 'ana got 3 messages',
        evidence: ['"a & b"'],
      },
    ],
  }

  test('the text verdict shows each expectation and the evidence of failures', () => {
    const text = textReport([result])
    expect(text).toContain('✘ fraud-burst — Fraud burst, against faulty/alert-spammer (0.8 s)')
    expect(text).toContain('✔ acks-in-time: Acks <2 s')
    expect(text).toContain('· "a & b"')
    expect(text).toContain('0 of 1 scenarios passed; 1 of 2 expectations met.')
  })

  test('JUnit XML escapes text and counts failures; JSON carries the overall verdict', () => {
    const xml = junitReport([result])
    expect(xml).toContain(
      '<testsuite name="fraud-burst (faulty/alert-spammer)" tests="2" failures="1" errors="0" time="0.812">',
    )
    expect(xml).toContain('name="acks-in-time: Acks &lt;2 s"')
    expect(xml).toContain('&quot;a &amp; b&quot;</failure>')
    expect(JSON.parse(jsonReport([result]))).toMatchObject({
      passed: false,
      results: [{ scenario: 'fraud-burst' }],
    })
  })
})
