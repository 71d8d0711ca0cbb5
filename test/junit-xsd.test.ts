import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { validateXML } from 'xmllint-wasm'
import { junitReport } from '../scenarios/report.ts'
import type { ScenarioResult } from '../scenarios/runner.ts'

// The scenario runner's JUnit report, validated with libxml2's xmllint as the npm package
// xmllint-wasm ships it (compiled to WebAssembly: no system package, nothing to install
// beyond `npm ci`) against two schemas in test/fixtures: the one Jenkins reads JUnit
// with, which it must pass, and Ant's stricter one, where only the known gaps below may
// remain.

const SCHEMAS = new URL('./fixtures/', import.meta.url)

const passed: ScenarioResult = {
  scenario: 'consent-revoked',
  title: 'Consent revoked',
  integration: 'reference',
  passed: true,
  durationMs: 1234,
  verdicts: [
    { id: 'reconnect-hint', says: 'Says "link harbor" & <more>', passed: true, message: 'ok', evidence: [] },
  ],
}
const failed: ScenarioResult = {
  scenario: 'fraud-burst',
  title: 'Fraud burst',
  integration: 'faulty/alert-spammer',
  passed: false,
  durationMs: 2500,
  verdicts: [
    { id: 'acks-in-time', says: 'Acks', passed: true, message: 'ok', evidence: [] },
    {
      id: 'alerts-coalesced',
      says: 'At most two messages',
      passed: false,
      message: 'ana got 3 messages',
      evidence: ['12:00:01 “Possible fraud on card ••4242”', '<script>&</script>'],
    },
  ],
}
const unreachable: ScenarioResult = {
  scenario: 'bank-outage',
  title: 'Bank outage',
  integration: 'http://127.0.0.1:3000',
  passed: false,
  durationMs: 40,
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
const stopped: ScenarioResult = {
  scenario: 'bank-withdraws',
  title: 'Bank withdraws',
  integration: 'reference',
  passed: false,
  durationMs: 900,
  error: 'Could not link ana at harbor through the chat ("link harbor").',
  verdicts: [],
}
const REPORT = junitReport([passed, failed, unreachable, stopped])

/** xmllint's complaints about the report under a schema, one line each; empty when valid. */
async function validate(schema: string, xml: string): Promise<string[]> {
  const result = await validateXML({
    xml: [{ fileName: 'report.xml', contents: xml }],
    schema: [{ fileName: schema, contents: readFileSync(new URL(schema, SCHEMAS), 'utf8') }],
  })
  const complaints = result.errors
    .map((error) => error.rawMessage)
    .filter((line) => line.includes('validity error'))
    .map((line) => line.replace(/^.*validity error : /, ''))
  // Invalid with no complaint of validity: the report or the schema did not even parse.
  if (!result.valid && complaints.length === 0)
    throw new Error(`xmllint could not validate:\n${result.rawOutput}`)
  return complaints
}

/**
 * What Ant's schema asks that the report does not give: Ant's own bookkeeping, which CI
 * tools do without. A complaint of any other kind fails.
 */
const KNOWN_ANT_GAPS = [
  /Element 'testsuites', attribute '(name|tests|failures|errors|time)': The attribute '\w+' is not allowed/,
  /Element 'testsuite': The attribute '(package|id|timestamp|hostname)' is required but missing/,
  /Element 'testcase': This element is not expected\. Expected is \( properties \)/,
  /Element 'testsuite': Missing child element\(s\)\. Expected is one of \( (properties|testcase|system-out)/,
]

describe('the JUnit report against the common JUnit schemas', () => {
  test('is valid JUnit XML as Jenkins reads it', async () => {
    expect(await validate('junit-jenkins.xsd', REPORT)).toEqual([])
  })

  test('misses nothing of Ant’s stricter schema beyond the known gaps', async () => {
    const complaints = await validate('junit-ant.xsd', REPORT)
    const unknown = complaints.filter((line) => !KNOWN_ANT_GAPS.some((gap) => gap.test(line)))
    expect(unknown).toEqual([])
  })

  test('every testcase carries its time in seconds, every failure and error a type and a message', () => {
    const cases = REPORT.match(/<testcase [^>]*>/g) ?? []
    expect(cases.length).toBeGreaterThan(0)
    for (const testcase of cases) expect(testcase).toMatch(/ time="\d+(\.\d+)?"/)
    const problems = REPORT.match(/<(failure|error) [^>]*>/g) ?? []
    expect(problems.length).toBeGreaterThan(0)
    for (const problem of problems) expect(problem).toMatch(/ type="[a-z-]+" message="[^"]+"/)
  })

  test('the schemas catch what they should: a testcase without a name fails both', async () => {
    const broken = REPORT.replace(
      '<testcase classname="consent-revoked" name=',
      '<testcase classname="consent-revoked" label=',
    )
    expect(await validate('junit-jenkins.xsd', broken)).toEqual([
      expect.stringContaining("Element 'testcase', attribute 'label': The attribute 'label' is not allowed"),
      expect.stringContaining("Element 'testcase': The attribute 'name' is required but missing"),
    ])
  })
})
