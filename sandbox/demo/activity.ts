import { alertsOf, presentAlert } from '../bank/alerts.ts'
import { accountBalance } from '../bank/ledger.ts'
import { isOffPlatform } from '../bank/policy.ts'
import { money, presentCard, presentTransaction } from '../bank/present.ts'
import type { Alert, Card, Money, Transaction } from '../bank/schemas.ts'
import type { Deps } from '../deps.ts'
import type * as internal from '../synthetic/types.ts'
import { DAY_MS } from '../synthetic/types.ts'
import { toIso } from '../time/clock.ts'
import { type CategorySpend, spendingByCategory } from './spending.ts'

// The bank's own view of one customer, for the dashboard: everything, off-platform
// spending included, whatever the integration may see. Read straight from the book,
// the ledger and the alerts; nothing here changes state.

export const SPENDING_DAYS = 90
export const DEFAULT_FEED_SIZE = 20

export interface AccountView {
  id: string
  type: internal.AccountType
  name: string
  mask: string
  current: Money
  available: Money
}

export interface Activity {
  customer: { id: string; bankId: string; platformUserId: string; name: string; archetype: string }
  asOf: string
  accounts: AccountView[]
  cards: Card[]
  /** Newest first, booked up to now. */
  transactions: Transaction[]
  spending: { from: string; to: string; categories: CategorySpend[] }
  /** Transactions of the same 90 days by where they happened: what each bank policy may share. */
  channels: { platform: number; offPlatform: number }
  /** Newest first. */
  alerts: Alert[]
  /** Transactions on any alert, open or resolved. */
  flaggedTransactionIds: string[]
}

export function customerActivity(
  deps: Deps,
  customer: internal.Customer,
  feedSize = DEFAULT_FEED_SIZE,
): Activity {
  const now = deps.clock.now()
  const alerts = alertsOf(deps, customer.bankId, customer.id)
  const flagged = new Set(alerts.flatMap((alert) => alert.transactionIds))
  const today = Math.floor(now / DAY_MS)
  const firstDay = Math.max(deps.book.startDay, today - SPENDING_DAYS + 1)
  const window = bookedBetween(deps, customer, firstDay, today, now)
  return {
    customer: {
      id: customer.id,
      bankId: customer.bankId,
      platformUserId: customer.person.platformUserId,
      name: customer.person.name,
      archetype: customer.person.archetype,
    },
    asOf: toIso(now),
    accounts: customer.accounts.map((account) => accountView(deps, account, now)),
    cards: customer.cards.map((card) => presentCard(card, deps.state.cardStatus.get(card.id) ?? 'active')),
    transactions: window.slice(0, feedSize).map((txn) => presentTransaction(txn, now)),
    spending: {
      from: toIso(firstDay * DAY_MS).slice(0, 10),
      to: toIso(now).slice(0, 10),
      categories: spendingByCategory(window, flagged),
    },
    channels: {
      platform: window.filter((txn) => !isOffPlatform(txn)).length,
      offPlatform: window.filter(isOffPlatform).length,
    },
    alerts: alerts.map(presentAlert),
    flaggedTransactionIds: [...flagged],
  }
}

function accountView(deps: Deps, account: internal.Account, now: number): AccountView {
  const { current, available } = accountBalance(deps.ledger, account, now)
  return {
    id: account.id,
    type: account.type,
    name: account.name,
    mask: account.mask,
    current: money(current),
    available: money(available),
  }
}

/** Every transaction of the customer's accounts booked from `fromDay` up to `nowMs`, newest first. */
function bookedBetween(
  deps: Deps,
  customer: internal.Customer,
  fromDay: number,
  toDay: number,
  nowMs: number,
) {
  const found: internal.Transaction[] = []
  for (const account of customer.accounts) {
    for (let day = fromDay; day <= toDay; day++) {
      for (const txn of deps.book.transactionsOnDay(account, day))
        if (txn.bookedAtMs <= nowMs) found.push(txn)
    }
  }
  return found.sort((a, b) => b.bookedAtMs - a.bookedAtMs || (a.id < b.id ? 1 : -1))
}
