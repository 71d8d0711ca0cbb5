import { SCENARIOS, scenarioNamed } from './scenarios/catalogue.ts'
import { runBuiltIn } from './scenarios/runner.ts'
const [name = 'reference', ...names] = process.argv.slice(2)
const list = names.length ? names.map((n) => scenarioNamed(n)!) : [...SCENARIOS]
const results = await runBuiltIn(list, name)
for (const x of results) {
  console.log(x.scenario, x.integration, x.passed ? 'PASS' : 'FAIL', x.durationMs, x.error ?? '')
  for (const v of x.verdicts) console.log('  ', v.passed ? 'ok  ' : 'FAIL', v.id, v.message, v.passed ? '' : v.evidence.join(' | '))
}
