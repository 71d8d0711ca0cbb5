import type { ScenarioResult } from './runner.ts'

// Three ways to read a run: a verdict for people, JSON for tools, JUnit XML for CI.

export function textReport(results: readonly ScenarioResult[], color = false): string {
  const paint = (code: number, text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text)
  const ok = paint(32, '✔')
  const bad = paint(31, '✘')
  const unjudged = paint(33, '?')
  const lines: string[] = []
  for (const result of results) {
    lines.push(
      `${result.passed ? ok : bad} ${result.scenario} — ${result.title}, against ${result.integration} (${(result.durationMs / 1000).toFixed(1)} s)`,
    )
    if (result.error) lines.push(`    ${bad} ${result.error}`)
    for (const verdict of result.verdicts) {
      if (verdict.evaluated === false) {
        lines.push(`    ${unjudged} ${verdict.id}: ${verdict.says} (not evaluated)`)
        continue
      }
      lines.push(`    ${verdict.passed ? ok : bad} ${verdict.id}: ${verdict.says}`)
      if (!verdict.passed) {
        lines.push(`        ${verdict.message}`)
        for (const line of verdict.evidence) lines.push(`        · ${line}`)
      }
    }
  }
  const { met, failed, notEvaluated } = tally(results)
  const expectations = met + failed + notEvaluated
  const passedScenarios = results.filter((r) => r.passed).length
  lines.push(
    '',
    `${passedScenarios} of ${results.length} scenarios passed; ${met} of ${expectations} expectations met` +
      (failed > 0 ? `, ${failed} failed` : '') +
      (notEvaluated > 0 ? `, ${notEvaluated} not evaluated` : '') +
      '.',
  )
  return `${lines.join('\n')}\n`
}

/** Expectations met, failed on evidence, and never evaluated because the run could not get there. */
export function tally(results: readonly ScenarioResult[]) {
  const verdicts = results.flatMap((r) => r.verdicts)
  const notEvaluated = verdicts.filter((v) => v.evaluated === false).length
  const met = verdicts.filter((v) => v.passed).length
  return { met, failed: verdicts.length - met - notEvaluated, notEvaluated }
}

export function jsonReport(results: readonly ScenarioResult[]): string {
  return `${JSON.stringify({ passed: results.every((r) => r.passed), results }, null, 2)}\n`
}

const escapeXml = (text: string) =>
  text.replace(
    /[<>&"']/g,
    (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[ch] ?? ch,
  )

/**
 * One testsuite per scenario run, one testcase per expectation (an error case when the run
 * stopped). Expectations are judged together on what the run left on the wires, so a
 * testcase's own time is 0; the run's time is on its testsuite.
 */
export function junitReport(results: readonly ScenarioResult[]): string {
  const suites = results.map((result) => {
    const cases = result.verdicts.map((verdict) => {
      const name = `${verdict.id}: ${verdict.says}`
      if (verdict.passed)
        return `    <testcase classname="${escapeXml(result.scenario)}" name="${escapeXml(name)}" time="0"/>`
      if (verdict.evaluated === false)
        return `    <testcase classname="${escapeXml(result.scenario)}" name="${escapeXml(name)}" time="0">\n      <error type="not-evaluated" message="${escapeXml(verdict.message)}"/>\n    </testcase>`
      const detail = [verdict.message, ...verdict.evidence].join('\n')
      return `    <testcase classname="${escapeXml(result.scenario)}" name="${escapeXml(name)}" time="0">\n      <failure type="expectation" message="${escapeXml(verdict.message)}">${escapeXml(detail)}</failure>\n    </testcase>`
    })
    const unjudged = result.verdicts.filter((v) => v.evaluated === false).length
    if (result.error && unjudged === 0) {
      cases.push(
        `    <testcase classname="${escapeXml(result.scenario)}" name="run" time="0">\n      <error type="run-stopped" message="${escapeXml(result.error)}"/>\n    </testcase>`,
      )
    }
    const failures = result.verdicts.filter((v) => !v.passed).length - unjudged
    const errors = unjudged + (result.error && unjudged === 0 ? 1 : 0)
    return `  <testsuite name="${escapeXml(`${result.scenario} (${result.integration})`)}" tests="${cases.length}" failures="${failures}" errors="${errors}" time="${(result.durationMs / 1000).toFixed(3)}">\n${cases.join('\n')}\n  </testsuite>`
  })
  const { met, failed, notEvaluated } = tally(results)
  const runErrors = results.filter((r) => r.error && r.verdicts.every((v) => v.evaluated !== false)).length
  const seconds = (results.reduce((sum, r) => sum + r.durationMs, 0) / 1000).toFixed(3)
  const totals = `tests="${met + failed + notEvaluated + runErrors}" failures="${failed}" errors="${notEvaluated + runErrors}" time="${seconds}"`
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="bank-sandbox scenarios" ${totals}>\n${suites.join('\n')}\n</testsuites>\n`
}

export function reportFor(file: string, results: readonly ScenarioResult[]): string {
  if (file.endsWith('.xml')) return junitReport(results)
  if (file.endsWith('.json')) return jsonReport(results)
  throw new Error('The report file must end in .xml (JUnit) or .json.')
}
