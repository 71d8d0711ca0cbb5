import { describe, expect, test } from 'vitest'
import { runBuiltIn } from '../scenarios/built-in.ts'
import { SCENARIOS, scenarioNamed } from '../scenarios/catalogue.ts'
import { scenarioJsonSchema } from '../scenarios/json-schema.ts'
import {
  formatProblems,
  loadScenarioFile,
  parseScenarioText,
  scenarioToYaml,
} from '../scenarios/scenario-file.ts'
import type { Scenario } from '../scenarios/schema.ts'

// Scenario files are the built-ins' own format: every built-in written as a file and read
// back is the same scenario, and runs to the same verdicts.

function fromFile(text: string): Scenario {
  const loaded = parseScenarioText(text, 'built-in.yaml')
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems))
  return loaded.scenario
}

describe('scenario files', () => {
  test.each(SCENARIOS.map((s) => [s.name, s] as const))(
    '%s round-trips through YAML and JSON',
    (_, scenario) => {
      expect(fromFile(scenarioToYaml(scenario, scenario.summary))).toEqual(scenario)
      expect(fromFile(JSON.stringify(scenario, null, 2))).toEqual(scenario)
    },
  )

  test('a built-in run from its file form reaches the same verdicts, passing and failing', async () => {
    const builtIn = scenarioNamed('fraud-burst')
    if (!builtIn) throw new Error('no fraud-burst')
    const file = fromFile(scenarioToYaml(builtIn))
    for (const integration of ['reference', 'faulty/alert-spammer']) {
      const [a, b] = [
        ...(await runBuiltIn([builtIn], integration)),
        ...(await runBuiltIn([file], integration)),
      ]
      const verdicts = (r: typeof a) => r?.verdicts.map(({ id, passed }) => ({ id, passed }))
      expect(verdicts(b)).toEqual(verdicts(a))
      expect(b?.passed).toBe(integration === 'reference')
    }
  }, 30_000)

  test('the worked example of docs/scenarios.md passes against the reference and catches the hoarder', async () => {
    const loaded = await loadScenarioFile('docs/examples/scenarios/spending-top-categories.yaml')
    if (!loaded.ok) throw new Error(formatProblems(loaded.problems))
    const [reference] = await runBuiltIn([loaded.scenario], 'reference')
    expect(reference?.passed).toBe(true)
    const [hoarder] = await runBuiltIn([loaded.scenario], 'faulty/hoarder')
    expect(hoarder?.verdicts.filter((v) => !v.passed).map((v) => v.id)).toEqual([
      'ben-untouched',
      'receipt-clean',
    ])
  }, 30_000)

  test('every problem of a YAML file is reported at its line, before anything runs', () => {
    const text = [
      'name: My Scenario', // 1
      'title: Spending',
      'summary: s',
      'catches: c',
      'people:', // 5
      '  - role: ana',
      '    banks: [harbor]',
      'steps:',
      '  - kind: say', // 9
      '    role: ana',
      '  - kind: dance', // 11
      'expectations:',
      '  - kind: messages', // 13
      '    id: told',
      '    says: told',
      '    role: ana',
      '    min: -1', // 17
    ].join('\n')
    const loaded = parseScenarioText(text, 'mine.yaml')
    expect(loaded.ok).toBe(false)
    if (loaded.ok) return
    expect(loaded.problems.map(({ line, path }) => `${line} ${path}`)).toEqual([
      '1 name',
      '9 steps.0.text',
      '11 steps.1.kind',
      '17 expectations.0.min',
    ])
    expect(loaded.problems[2]?.message).toMatch(/unknown kind; one of mark, say, spend/)
  })

  test('a JSON file maps problems to lines too, and a syntax error names its line', () => {
    const json = JSON.stringify({ ...scenarioNamed('forged-callback'), seed: 'x' }, null, 2)
    const loaded = parseScenarioText(json, 'mine.json')
    const seedLine = json.split('\n').findIndex((line) => line.includes('"seed"')) + 1
    expect(loaded).toMatchObject({
      ok: false,
      problems: [{ file: 'mine.json', line: seedLine, path: 'seed' }],
    })
    const broken = parseScenarioText('name: a\nsteps: [\n  {kind: say\n', 'broken.yaml')
    expect(broken.ok).toBe(false)
    if (!broken.ok)
      expect(broken.problems[0]).toMatchObject({ file: 'broken.yaml', line: expect.any(Number), path: '' })
  })

  test('an alias with no anchor, or an alias bomb, is a problem at its line, not a crash', () => {
    expect(parseScenarioText('*!', 'alias.yaml')).toMatchObject({
      ok: false,
      problems: [{ file: 'alias.yaml', line: 1, message: expect.stringMatching(/alias/i) }],
    })
    expect(parseScenarioText('name: a\nsteps:\n  - *missing\n', 'alias.yaml')).toMatchObject({
      ok: false,
      problems: [{ line: 3 }],
    })
    // Nine levels of nine aliases each: 9^9 nodes if expanded.
    const bomb = ['a0: &a0 [x]']
    for (let i = 1; i < 10; i++)
      bomb.push(
        `a${i}: &a${i} [${Array(9)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      )
    expect(parseScenarioText(bomb.join('\n'), 'bomb.yaml')).toMatchObject({
      ok: false,
      problems: [{ message: expect.stringMatching(/alias/i) }],
    })
  })

  test('the JSON Schema describes every step and expectation kind the runner knows', () => {
    const text = JSON.stringify(scenarioJsonSchema())
    for (const kind of ['say', 'spend', 'forgeCallback', 'acksInTime', 'evidence'])
      expect(text).toContain(`"${kind}"`)
    expect(scenarioJsonSchema()).toMatchObject({
      required: expect.arrayContaining(['name', 'people', 'steps']),
    })
  })
})
