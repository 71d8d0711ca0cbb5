import { shortDate } from '../format.ts'
import type { PartnershipView } from '../reads.ts'
import type { PolicyView } from '../visibility.ts'

// Panel 3b: every bank side by side — the partnership (active, terminating, terminated),
// any injected faults, and what the integration may see under the bank's policy, counted
// on the chosen person's own last 90 days so the difference is concrete.

const PARTNERSHIP_BADGE = { active: 'ok', terminating: 'warn', terminated: 'bad' } as const

export interface BankColumn {
  partnership: PartnershipView
  policy: PolicyView
}

export function BanksPanel({ columns, name }: { columns: BankColumn[]; name: string }) {
  return (
    <div class="banks">
      {columns.map(({ partnership, policy }) => (
        <article class="bank" data-bank-id={policy.bankId}>
          <h3>{policy.name}</h3>
          <p>
            Partnership{' '}
            <span
              class={`badge ${PARTNERSHIP_BADGE[partnership.status]}`}
              data-testid={`partnership-${policy.bankId}`}
            >
              {partnership.status}
            </span>
          </p>
          {partnership.effectiveAt !== null && (
            <p class="muted small">
              {partnership.status === 'terminating' ? 'ends' : 'ended'} {shortDate(partnership.effectiveAt)}
            </p>
          )}
          {partnership.faults !== null && <p class="badge warn">{faultText(partnership.faults)}</p>}
          <p class="small">{policy.summary}</p>
          <ul class="may">
            <May yes={policy.may.accounts}>Accounts and cards</May>
            <May yes={policy.may.balances}>Balances</May>
            <May yes={policy.may.platformSpending}>Spending inside the platform</May>
            <May yes={policy.may.offPlatformSpending}>Spending off the platform</May>
            <May yes={policy.may.alerts}>Fraud alerts</May>
          </ul>
          <p class="small" data-testid={`visible-${policy.bankId}`}>
            Of {name}’s {policy.total} transactions in 90 days, the integration may see{' '}
            <strong>{policy.visible}</strong>.
          </p>
        </article>
      ))}
    </div>
  )
}

function May({ yes, children }: { yes: boolean; children: string }) {
  return (
    <li class={yes ? 'yes' : 'no'}>
      <span aria-hidden="true">{yes ? '✓' : '✗'}</span>{' '}
      <span class="sr-only">{yes ? 'may see' : 'may not see'}</span>
      {children}
    </li>
  )
}

function faultText(faults: NonNullable<PartnershipView['faults']>): string {
  const parts: string[] = []
  if (faults.outageUntilMs !== undefined) parts.push('outage')
  if (faults.status !== undefined) parts.push(`answers ${faults.status}`)
  if (faults.errorRate !== undefined) parts.push(`${Math.round(faults.errorRate * 100)}% errors`)
  if (faults.latencyMs !== undefined) parts.push(`+${faults.latencyMs} ms`)
  if (faults.rateLimit !== undefined) parts.push(`${faults.rateLimit} req/s limit`)
  return `Faults injected: ${parts.join(', ') || 'none'}`
}
