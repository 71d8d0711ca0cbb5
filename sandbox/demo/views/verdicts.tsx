import { clockTime } from '../format.ts'
import type { RunRecord } from '../scenario-log.ts'

// Panel 5b: each scenario run's expectations as they resolve — what a correct
// integration does, and whether this one did.

const RUN_BADGE = { running: 'warn', passed: 'ok', failed: 'bad' } as const

export function Verdicts({
  runs,
  names,
}: {
  runs: readonly RunRecord[]
  names: ReadonlyMap<string, string>
}) {
  if (runs.length === 0) return <p class="empty">Run a scenario to see its verdicts here.</p>
  return (
    <ol class="runs">
      {runs.map((run) => (
        <li class="run" data-run-id={run.runId} data-scenario={run.name} data-status={run.status}>
          <p class="run-head">
            <strong>{run.title}</strong> <span class={`badge ${RUN_BADGE[run.status]}`}>{run.status}</span>{' '}
            <span class="muted small">started {clockTime(run.startedAt)}</span>
          </p>
          {run.userIds.length > 0 && (
            <p class="small">
              Watch:{' '}
              {run.userIds.map((userId) => (
                <button type="button" class="link-button" data-watch-user={userId}>
                  {names.get(userId) ?? userId}
                </button>
              ))}
            </p>
          )}
          <ul class="verdict-list">
            {run.verdicts.map((verdict) => (
              <li
                class={verdict.passed ? 'yes' : 'no'}
                data-verdict={verdict.id}
                data-passed={String(verdict.passed)}
              >
                <span aria-hidden="true">{verdict.passed ? '✓' : '✗'}</span>{' '}
                <span class="sr-only">{verdict.passed ? 'passed:' : 'failed:'}</span>
                {verdict.says}
                {!verdict.passed && verdict.message && <span class="why small">{verdict.message}</span>}
              </li>
            ))}
            {run.status === 'running' && <li class="pending muted">judging…</li>}
          </ul>
          {run.error && <p class="why small">{run.error}</p>}
        </li>
      ))}
    </ol>
  )
}
