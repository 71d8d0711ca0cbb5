import { member, type RunContext } from './context.ts'
import type { Observations } from './observations.ts'
import type { Expectation } from './schema.ts'

// The `dispute` expectation: the bank holds a dispute of the person's charge at the
// merchant (and of no other charge), and the person was told its due date.

type DisputeExpectation = Extract<Expectation, { kind: 'dispute' }>

interface HeldDispute {
  id: string
  merchantName: string
  status: string
  provisionalCreditDueOn: string | null
  decisionDueOn: string
}

export async function checkDispute(
  context: RunContext,
  seen: Observations,
  expectation: DisputeExpectation,
): Promise<{ passed: boolean; message: string; evidence: string[] }> {
  const person = member(context, expectation.role)
  const customerId = person.banks[expectation.bankId]?.customerId ?? ''
  const { data } = await context.target.control.call<{ data: HeldDispute[] }>(
    'GET',
    `/sandbox/banks/${expectation.bankId}/disputes?customerId=${encodeURIComponent(customerId)}`,
  )
  const evidence = data.map((d) => `${d.id}: ${d.merchantName} (${d.status})`)
  const wanted = data.filter((d) => d.merchantName.includes(expectation.merchant))
  const others = data.filter((d) => !d.merchantName.includes(expectation.merchant))
  const [dispute] = wanted
  if (!dispute)
    return {
      passed: false,
      message: `No dispute of the charge at ${expectation.merchant} was filed.`,
      evidence,
    }
  if (others.length > 0)
    return { passed: false, message: `${others.length} dispute(s) of another charge were filed.`, evidence }
  if (!expectation.toldDueDate)
    return { passed: true, message: `The charge at ${expectation.merchant} is disputed.`, evidence }
  const due = dispute.provisionalCreditDueOn ?? dispute.decisionDueOn
  const lines = (seen.chats.get(expectation.role) ?? []).filter((line) => line.direction === 'to_user')
  return lines.some((line) => line.text.includes(due))
    ? { passed: true, message: `${expectation.role} was told ${due}.`, evidence }
    : { passed: false, message: `No message tells ${expectation.role} the due date ${due}.`, evidence }
}
