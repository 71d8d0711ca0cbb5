import { shortTime } from '../format.ts'

// The header's live facts: the simulation clock and the attached integration.

export function Status({
  now,
  mode,
  integrationUrl,
}: {
  now: string
  mode: string
  integrationUrl: string | null
}) {
  return (
    <p class="status">
      <span>
        Simulation time{' '}
        <time data-testid="clock" data-now={now} data-mode={mode} datetime={now}>
          {shortTime(now)} UTC
        </time>{' '}
        <span class="muted small">({mode === 'real' ? 'running' : 'frozen'})</span>
      </span>
      <span>
        Integration{' '}
        {integrationUrl === null ? (
          <span class="badge bad">none attached</span>
        ) : (
          <span class="badge ok" title={integrationUrl}>
            attached
          </span>
        )}
      </span>
    </p>
  )
}
