import type { Activity } from '../activity.ts'
import { moneyText, words } from '../format.ts'
import { TransactionFeed } from './feed.tsx'
import { SpendingChart } from './spending-chart.tsx'

// Panel 1: the person's accounts and cards (last4 only), the spending chart and the
// live transaction feed — the bank's view, off-platform spending included.

export function PersonPanel({ activity, bankName }: { activity: Activity; bankName: string }) {
  const { customer } = activity
  return (
    <div class="person" data-customer-id={customer.id} data-user-id={customer.platformUserId}>
      <header class="person-head">
        <h2 data-testid="person-name">{customer.name}</h2>
        <p class="muted">
          {words(customer.archetype)} · {customer.id} at {bankName} · platform user {customer.platformUserId}
        </p>
      </header>
      <div class="holdings">
        <section aria-labelledby="accounts-title">
          <h3 id="accounts-title">Accounts</h3>
          <ul class="accounts" data-testid="accounts">
            {activity.accounts.map((account) => (
              <li data-account-id={account.id}>
                <span class="account-name">
                  {account.name} <span class="muted">••{account.mask}</span>
                </span>
                <span class={`amount${account.current.amount < 0 ? ' negative' : ''}`}>
                  {moneyText(account.current)}
                </span>
                <span class="muted small">available {moneyText(account.available)}</span>
              </li>
            ))}
          </ul>
        </section>
        <section aria-labelledby="cards-title">
          <h3 id="cards-title">Cards</h3>
          <ul class="cards" data-testid="cards">
            {activity.cards.map((card) => (
              <li data-card-id={card.id}>
                <span>
                  {words(card.network)} {card.kind} <span data-testid="card-last4">••{card.last4}</span>
                </span>
                <span class="muted small">exp {card.expiry}</span>
                <span class={`badge ${card.status === 'active' ? 'ok' : 'bad'}`}>{card.status}</span>
              </li>
            ))}
          </ul>
        </section>
      </div>
      <SpendingChart spending={activity.spending} />
      <TransactionFeed activity={activity} />
    </div>
  )
}
