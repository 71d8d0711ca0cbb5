import { z } from 'zod'
import type { Bus, SandboxEvent } from '../events/bus.ts'

// Scenario runs as the dashboard tells them: each run's expectations as they resolve,
// kept here so a page opened (or reloaded) mid-run still shows the verdicts so far.
// Fed by the bus events the scenario runner publishes; shapes are checked, not trusted.

export const KEPT_RUNS = 6
const MAX_PEOPLE = 4

const Started = z.object({ runId: z.string(), name: z.string(), title: z.string().optional() })
const Expectation = z.object({
  runId: z.string(),
  id: z.string(),
  says: z.string(),
  passed: z.boolean(),
  message: z.string().nullish(),
})
const Finished = z.object({ runId: z.string(), passed: z.boolean(), error: z.string().nullish() })
const Message = z.object({ userId: z.string() })

/** What the log reads; every other event (a journal line per bank call) passes it by. */
const SCENARIO_KINDS = ['scenario.started', 'scenario.expectation', 'scenario.finished', 'platform.message']

export interface VerdictLine {
  id: string
  says: string
  passed: boolean
  message: string | null
}

export interface RunRecord {
  runId: string
  name: string
  title: string
  status: 'running' | 'passed' | 'failed'
  error: string | null
  startedAt: string
  verdicts: VerdictLine[]
  /** Platform users who chatted while the run was going: the people it is about. */
  userIds: string[]
}

export interface ScenarioLog {
  /** Newest first. */
  runs(): readonly RunRecord[]
  stop(): void
}

export function createScenarioLog(bus: Bus, kept = KEPT_RUNS): ScenarioLog {
  const runs: RunRecord[] = []
  const byId = (runId: string) => runs.find((run) => run.runId === runId)

  const onEvent = ({ kind, at, data }: SandboxEvent) => {
    if (kind === 'scenario.started') {
      const started = Started.safeParse(data)
      if (!started.success) return
      const { runId, name, title } = started.data
      runs.unshift({
        runId,
        name,
        title: title ?? name,
        status: 'running',
        error: null,
        startedAt: at,
        verdicts: [],
        userIds: [],
      })
      runs.splice(kept)
    } else if (kind === 'scenario.expectation') {
      const verdict = Expectation.safeParse(data)
      const run = verdict.success ? byId(verdict.data.runId) : undefined
      if (!run || !verdict.success) return
      const { id, says, passed, message } = verdict.data
      run.verdicts.push({ id, says, passed, message: message ?? null })
    } else if (kind === 'scenario.finished') {
      const finished = Finished.safeParse(data)
      const run = finished.success ? byId(finished.data.runId) : undefined
      if (!run || !finished.success) return
      run.status = finished.data.passed ? 'passed' : 'failed'
      run.error = finished.data.error ?? null
    } else if (kind === 'platform.message') {
      const message = Message.safeParse(data)
      if (!message.success) return
      for (const run of runs) {
        if (
          run.status === 'running' &&
          run.userIds.length < MAX_PEOPLE &&
          !run.userIds.includes(message.data.userId)
        ) {
          run.userIds.push(message.data.userId)
        }
      }
    }
  }

  return { runs: () => runs, stop: bus.subscribe(onEvent, SCENARIO_KINDS) }
}
