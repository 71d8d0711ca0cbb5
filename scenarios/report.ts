import type { ScenarioResult } from './runner.ts'

// Three ways to read a run: a verdict for people, JSON for tools, JUnit XML for CI.

export function textReport(results: readonly ScenarioResult[], color = false): string {
  const paint = (code: number, text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text)
  const ok = paint(32, '✔')
  const bad = paint(31, '✘')
  const lines: string[] = []
  for (const result of results) {
    lines.push(
      `${result.passed ? ok : bad} ${result.scenario} — ${result.title}, against ${result.integration} (${(result.durationMs / 1000).toFixed(1)} s)`,
    )
    if (result.error) lines.push(`    ${bad} ${result.error}`)
    for (const verdict of result.verdicts) {
      lines.push(`    ${verdict.passed ? ok : bad} ${verdict.id}: ${verdict.says}`)
      if (!verdict.passed) {
        lines.push(`        ${verdict.message}`)
        for (const line of verdict.evidence) lines.push(`        · ${line}`)
      }
    }
  }
  const failed = results.filter((r) => !r.passed).length
  const expectations = results.reduce((n, r) => n + r.verdicts.length, 0)
  const failedExpectations = results.reduce((n, r) => n + r.verdicts.filter((v) => !v.passed).length, 0)
  lines.push(
    '',
    `${results.length - failed} of ${results.length} scenarios passed; ${expectations - failedExpectations} of ${expectations} expectations met.`,
  )
  return `${lines.join('\n')}\n`
}

export function jsonReport(results: readonly ScenarioResult[]): string {
  return `${JSON.stringify({ passed: results.every((r) => r.passed), results }, null, 2)}\n`
}

const escapeXml = (text: string) =>
  text.replace(
    /[<>&"']/g,
    (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[ch] ?? ch,
  )

/** One testsuite per scenario run, one testcase per expectation (an error case when the run stopped). */
export function junitReport(results: readonly ScenarioResult[]): string {
  const suites = results.map((result) => {
    const cases = result.verdicts.map((verdict) => {
      const name = `${verdict.id}: ${verdict.says}`
      if (verdict.passed)
        return `    <testcase classname="${escapeXml(result.scenario)}" name="${escapeXml(name)}"/>`
      const detail = [verdict.message, ...verdict.evidence].join('\n')
      return `    <testcase classname="${escapeXml(result.scenario)}" name="${escapeXml(name)}">\n      <failure message="${escapeXml(verdict.message)}">${escapeXml(detail)}</failure>\n    </testcase>`
    })
    if (result.error) {
      cases.push(
        `    <testcase classname="${escapeXml(result.scenario)}" name="run">\n      <error message="${escapeXml(result.error)}"/>\n    </testcase>`,
      )
    }
    const failures = result.verdicts.filter((v) => !v.passed).length
    return `  <testsuite name="${escapeXml(`${result.scenario} (${result.integration})`)}" tests="${cases.length}" failures="${failures}" errors="${result.error ? 1 : 0}" time="${(result.durationMs / 1000).toFixed(3)}">\n${cases.join('\n')}\n  </testsuite>`
  })
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="bank-sandbox scenarios">\n${suites.join('\n')}\n</testsuites>\n`
}

export function reportFor(file: string, results: readonly ScenarioResult[]): string {
  if (file.endsWith('.xml')) return junitReport(results)
  if (file.endsWith('.json')) return jsonReport(results)
  throw new Error('The report file must end in .xml (JUnit) or .json.')
}
