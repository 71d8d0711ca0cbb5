import type { Evidence } from '../../evidence/schema.ts'

// Beside "what the integration may see": what it actually took from the chosen person at
// the chosen bank, consent by consent, with the checks a bank cares about and a link to
// the printable receipt.

const STATUS_BADGE = { active: 'ok', revoked: 'bad', expired: 'warn' } as const

export function TookPanel(props: {
  evidence: readonly Evidence[]
  name: string
  bank: { id: string; name: string }
}) {
  const { evidence, name, bank } = props
  if (evidence.length === 0) {
    return (
      <p class="empty" data-testid="took-none">
        {name} has not linked {bank.name}, so the integration has taken nothing.
      </p>
    )
  }
  return (
    <ul class="took" data-testid="took">
      {evidence.map((each) => (
        <TookConsent evidence={each} />
      ))}
    </ul>
  )
}

function TookConsent({ evidence }: { evidence: Evidence }) {
  const { consent, totals, end } = evidence
  const offPlatform = totals.channels.inStore + totals.channels.online
  return (
    <li data-consent-id={consent.id}>
      <p>
        <span class={`badge ${STATUS_BADGE[consent.status]}`}>{consent.status}</span>{' '}
        <strong>
          {totals.calls} call{totals.calls === 1 ? '' : 's'}, {totals.records} record
          {totals.records === 1 ? '' : 's'}
        </strong>{' '}
        <span class="muted small">{consent.id}</span>
      </p>
      <p class="small">
        Purchases taken: {totals.channels.platform} in the platform, {offPlatform} elsewhere
      </p>
      <p class="small">
        Asked by the user {totals.answered.userMessage} · by a webhook {totals.answered.webhook} ·{' '}
        <span class={totals.answered.nothing > 0 ? 'badge bad' : undefined}>
          unasked {totals.answered.nothing}
        </span>
      </p>
      {end && (
        <p class="small">
          After the {end.reason === 'expired' ? 'expiry' : 'revocation'}: {end.refusedAfter} refused call
          {end.refusedAfter === 1 ? '' : 's'}, {evidence.shownAfterEnd.length} money line
          {evidence.shownAfterEnd.length === 1 ? '' : 's'} shown
        </p>
      )}
      <ul class="may">
        {evidence.checks.map((check) => (
          <li class={check.held ? 'yes' : 'no'} data-check={check.id} data-held={String(check.held)}>
            <span aria-hidden="true">{check.held ? '✓' : '✗'}</span>{' '}
            <span class="sr-only">{check.held ? 'holds:' : 'broken:'}</span>
            {check.says}
          </li>
        ))}
      </ul>
      <p class="small">
        <a href={`/demo/consents/${encodeURIComponent(consent.id)}`} data-testid="receipt-link">
          Open the receipt
        </a>
      </p>
    </li>
  )
}
