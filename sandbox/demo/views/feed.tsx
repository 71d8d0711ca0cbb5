import type { Activity } from '../activity.ts'
import { moneyText, shortTime } from '../format.ts'

// The live transaction feed, newest first. Flagged charges and off-platform spending
// are marked, since those are what a bank stakeholder watches for.

const CHANNEL = { platform: 'in platform', online: 'online', in_store: 'in store' } as const

export function TransactionFeed({ activity }: { activity: Activity }) {
  const flagged = new Set(activity.flaggedTransactionIds)
  if (activity.transactions.length === 0) return <p class="empty">No transactions yet.</p>
  return (
    <section aria-labelledby="feed-title">
      <h3 id="feed-title">Latest transactions</h3>
      <ol class="feed" data-testid="feed">
        {activity.transactions.map((txn) => (
          <li class={flagged.has(txn.id) ? 'flagged' : undefined} data-transaction-id={txn.id}>
            <span class="when muted">{shortTime(txn.bookedAt)}</span>
            <span class="what">
              {txn.merchant.name}
              {flagged.has(txn.id) && <span class="badge bad">flagged</span>}
              {txn.status === 'pending' && <span class="badge neutral">pending</span>}
            </span>
            <span class={`channel channel-${txn.channel}`}>{CHANNEL[txn.channel]}</span>
            <span class={`amount${txn.amount.amount < 0 ? ' negative' : ' positive'}`}>
              {moneyText(txn.amount)}
            </span>
          </li>
        ))}
      </ol>
    </section>
  )
}
