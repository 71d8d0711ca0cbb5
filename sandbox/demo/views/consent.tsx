import type { Consent } from '../../bank/schemas.ts'
import { shortDate, shortTime, words } from '../format.ts'

// Panel 3a: what the chosen person agreed to at the chosen bank — scopes, purpose,
// status and expiry of each consent, newest first.

const STATUS_BADGE = { active: 'ok', revoked: 'bad', expired: 'warn' } as const

export function ConsentPanel(props: {
  consents: Consent[]
  name: string
  bank: { id: string; name: string }
}) {
  const { consents, name, bank } = props
  if (consents.length === 0) {
    return (
      <p class="empty" data-testid="consent-none">
        {name} has not linked {bank.name} to the chat app. Type “link {bank.id}” in the chat to start.
      </p>
    )
  }
  return (
    <ul class="consents" data-testid="consents">
      {consents.map((consent) => (
        <li data-consent-id={consent.id} data-status={consent.status}>
          <p>
            <span class={`badge ${STATUS_BADGE[consent.status]}`}>{consent.status}</span>{' '}
            <strong>{words(consent.purpose)}</strong> <span class="muted small">{consent.id}</span>
          </p>
          <p class="scopes">
            {consent.scopes.map((scope) => (
              <code>{scope}</code>
            ))}
          </p>
          <p class="muted small">
            Granted {shortTime(consent.createdAt)} ·{' '}
            {consent.revokedAt === null
              ? `expires ${shortDate(consent.expiresAt)}`
              : `revoked ${shortTime(consent.revokedAt)} by the ${consent.revokedBy ?? 'bank'}`}
          </p>
        </li>
      ))}
    </ul>
  )
}
