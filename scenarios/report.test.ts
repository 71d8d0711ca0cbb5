import { describe, expect, test } from 'vitest'
import { junitReport, textReport } from './report.ts'
import type { ScenarioResult } from './runner.ts'

const judged: ScenarioResult = {
  scenario: 'fraud-burst',
  title: 'Fraud burst',
  integration: 'http://127.0.0.1:3000',
  passed: false,
  durationMs: 1500,
  verdicts: [
    { id: 'acks-in-time', says: 'Acks', passed: true, message: 'ok', evidence: [] },
    { id: 'alerts-coalesced', says: 'At most two', passed: false, message: 'ana got 3', evidence: [] },
  ],
}
const unjudged: ScenarioResult = {
  scenario: 'bank-outage',
  title: 'Bank outage',
  integration: 'http://127.0.0.1:3000',
  passed: false,
  durationMs: 500,
  error: 'integration not reachable at http://127.0.0.1:3000',
  verdicts: ['backs-off', 'user-told'].map((id) => ({
    id,
    says: id,
    passed: false,
    evaluated: false as const,
    message: 'Not evaluated: integration not reachable at http://127.0.0.1:3000',
    evidence: [],
  })),
}

describe('reports of runs that could not be judged', () => {
  test('the summary counts expectations never evaluated apart from those that failed', () => {
    const text = textReport([judged, unjudged])
    expect(text).toContain('0 of 2 scenarios passed; 1 of 4 expectations met, 1 failed, 2 not evaluated.')
    expect(text).toContain('? backs-off: backs-off (not evaluated)')
    expect(text).toContain('✘ integration not reachable at http://127.0.0.1:3000')
  })

  test('JUnit counts unevaluated expectations as errors, and the testsuites element carries the totals', () => {
    const xml = junitReport([judged, unjudged])
    expect(xml).toContain(
      '<testsuites name="bank-sandbox scenarios" tests="4" failures="1" errors="2" time="2.000">',
    )
    expect(xml).toContain('tests="2" failures="0" errors="2" time="0.500"')
    expect(xml).toContain(
      '<error type="not-evaluated" message="Not evaluated: integration not reachable at http://127.0.0.1:3000"/>',
    )
  })
})
