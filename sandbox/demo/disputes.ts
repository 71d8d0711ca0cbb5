import { bankDateOf } from '../bank/business-days.ts'
import { disputesOf } from '../bank/disputes.ts'
import type { Deps } from '../deps.ts'
import type { DisputeRecord } from '../store/state.ts'

// A customer's disputes as the dashboard draws them: each due date as a step on a line
// from filing to decision, placed by its share of the days between, and done once passed.

export interface DisputeStep {
  name: 'filed' | 'credit' | 'decision'
  date: string
  /** Where on the line, 0–100. */
  at: number
  done: boolean
}

export interface DisputeView {
  id: string
  merchantName: string
  amount: number
  status: DisputeRecord['status']
  outcome: DisputeRecord['outcome']
  steps: DisputeStep[]
}

const dayOf = (date: string) => Date.parse(`${date}T00:00:00Z`) / 86_400_000

export function disputeViews(deps: Deps, bankId: string, customerId: string): DisputeView[] {
  const today = bankDateOf(deps.clock.now())
  return disputesOf(deps, bankId, customerId).map((record) => {
    const filed = bankDateOf(record.createdAtMs)
    const span = Math.max(1, dayOf(record.decisionDueOn) - dayOf(filed))
    const at = (date: string) => Math.round(((dayOf(date) - dayOf(filed)) / span) * 100)
    const steps: DisputeStep[] = [{ name: 'filed', date: filed, at: 0, done: true }]
    if (record.provisionalCreditDueOn)
      steps.push({
        name: 'credit',
        date: record.provisionalCreditDueOn,
        at: at(record.provisionalCreditDueOn),
        done: record.status !== 'submitted',
      })
    steps.push({
      name: 'decision',
      date: record.decisionDueOn,
      at: 100,
      done: record.status === 'resolved' || today > record.decisionDueOn,
    })
    return {
      id: record.id,
      merchantName: record.merchantName,
      amount: record.amount,
      status: record.status,
      outcome: record.outcome,
      steps,
    }
  })
}
