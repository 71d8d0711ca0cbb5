import { z } from 'zod'
import { Scenario } from './schema.ts'

// The scenario file format as JSON Schema, for editors: generated from the zod schema the
// runner validates with, so the two cannot drift. Served at /schemas/scenario.json (the
// CLI hands it to the server, which never imports scenarios/) and shipped in the package
// as scenario.schema.json (test/scenario-files.test.ts keeps the copy current).

export function scenarioJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(Scenario, { io: 'input', unrepresentable: 'any' }),
    title: 'Bank Sandbox scenario',
    description:
      'A scenario file for `bank-sandbox scenario run FILE.yaml`: setup (people, their banks and links), a timeline of steps, and expectations judged on the wires.',
  }
}
