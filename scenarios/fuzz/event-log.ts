import { createHash } from 'node:crypto'
import type { ScenarioResult } from '../runner.ts'
import type { Scenario } from '../schema.ts'

// The event log of a fuzz invocation: every run's steps and its verdicts, each failure with
// what was seen on the wires (its evidence), in run order. Ids of things that happen are unique
// across processes (§11), so before hashing each is replaced by its order of first
// appearance, and so is every origin (each run's sandbox listens on a port of its own):
// the same seed gives the same hash.

const HAPPENING_IDS =
  /\bhttps?:\/\/[^/\s"\\]+|\b(?:cns|evt|alt|dsp|wld|msg|run|dlv)_[A-Za-z0-9_-]+|\bm_?id[._-]?[A-Za-z0-9_-]{6,}|\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g

export function createEventLog() {
  const lines: string[] = []
  return {
    add(scenario: Scenario, result: ScenarioResult) {
      lines.push(`run ${JSON.stringify(scenario.steps)}`)
      if (result.error) lines.push(`error ${result.error}`)
      // A met expectation's evidence is what the integration happened to say in time, which
      // the wall clock may change (which call a rate limit let through): only a failure's is kept.
      for (const v of result.verdicts)
        lines.push(v.passed ? `${v.id} met` : `${v.id} failed ${v.message} ${JSON.stringify(v.evidence)}`)
    },
    hash(): string {
      return createHash('sha256')
        .update(normalise(lines.join('\n')))
        .digest('hex')
    },
    lines: () => [...lines],
  }
}

export function normalise(text: string): string {
  const seen = new Map<string, string>()
  return text.replace(HAPPENING_IDS, (id) => {
    let stand = seen.get(id)
    if (!stand) {
      stand = `<id${seen.size + 1}>`
      seen.set(id, stand)
    }
    return stand
  })
}
