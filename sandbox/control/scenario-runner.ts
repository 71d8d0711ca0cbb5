import { z } from '@hono/zod-openapi'

// What the dashboard needs of the scenario engine, and nothing more. Scenarios drive a
// sandbox from outside, over its HTTP control surface, so the engine (scenarios/)
// depends on the sandbox and never the other way round: the sandbox serves banks and a
// platform without it, as a library, a test fixture or another tool's backend. The
// dashboard's Scenarios panel is the one place the two meet, so the sandbox declares
// this small interface and whoever starts it passes an implementation in
// (`bank-sandbox serve` passes scenarios/dashboard-runner.ts). A sandbox started without
// one answers 404 on /sandbox/scenarios, and the dashboard says it offers none.

export const ScenarioInfo = z
  .object({ name: z.string(), title: z.string(), summary: z.string(), catches: z.string() })
  .openapi('ScenarioInfo')
export type ScenarioInfo = z.infer<typeof ScenarioInfo>

/** One expectation judged; published as a `scenario.expectation` event as it is. */
export interface ScenarioVerdict {
  id: string
  says: string
  passed: boolean
  message: string
}

/** A problem in a scenario file, at its line. */
export interface ScenarioFileProblem {
  line: number
  path: string
  message: string
}

export type RunWhere = {
  sandboxUrl: string
  integrationUrl: string
  adminKey: string | null
  world: string | null
}
export type RunOutcome = { passed: boolean; durationMs: number; error?: string }

export interface ScenarioRunner {
  list(): readonly ScenarioInfo[]
  /** Runs one listed scenario against a sandbox and the integration attached to it. */
  run(
    name: string,
    where: RunWhere,
    hooks: { onVerdict(verdict: ScenarioVerdict): void },
  ): Promise<RunOutcome>
  /** The JSON Schema of scenario files, served at /schemas/scenario.json. */
  fileSchema(): unknown
  /**
   * Validates a scenario file's text (YAML or JSON); when it is valid, `run` runs it like a
   * built-in. Problems come back with their lines and nothing runs.
   */
  load(text: string):
    | {
        ok: true
        info: ScenarioInfo
        run: (where: RunWhere, hooks: { onVerdict(verdict: ScenarioVerdict): void }) => Promise<RunOutcome>
      }
    | { ok: false; problems: ScenarioFileProblem[] }
}
