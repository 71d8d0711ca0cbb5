import { consentStatus } from '../bank/consent-status.ts'
import type { Bank } from '../bank/policy.ts'
import type { Deps } from '../deps.ts'
import { problems } from '../http/problem.ts'
import { personOfUser } from '../platform/users.ts'
import type { Customer } from '../synthetic/types.ts'

// Who the dashboard shows. With nothing chosen it picks a story: harbor (or the first
// bank) and the first customer there who linked the integration, else the first customer.

export const PICKER_LINKED = 12
export const PICKER_FIRST = 25

export interface Selection {
  bank: Bank
  customer: Customer
}

export function resolveSelection(deps: Deps, bankId?: string, customerId?: string): Selection {
  const bank = bankId === undefined ? (deps.bank('harbor') ?? deps.banks[0]) : deps.bank(bankId)
  if (!bank) throw problems.notFound('No such bank.')
  const customer =
    customerId === undefined ? defaultCustomer(deps, bank.id) : deps.world.customer(bank.id, customerId)
  if (!customer) throw problems.notFound('No such customer at this bank.')
  return { bank, customer }
}

/** Customers of the bank with an active consent, oldest link first, each once. */
export function linkedCustomers(deps: Deps, bankId: string, limit = PICKER_LINKED): Customer[] {
  const now = deps.clock.now()
  const found = new Map<string, Customer>()
  for (const consent of deps.state.consents.values()) {
    if (found.size >= limit) break
    if (
      consent.bankId !== bankId ||
      found.has(consent.customerId) ||
      consentStatus(consent, now) !== 'active'
    )
      continue
    const customer = deps.world.customer(bankId, consent.customerId)
    if (customer) found.set(customer.id, customer)
  }
  return [...found.values()]
}

export function defaultCustomer(deps: Deps, bankId: string): Customer | undefined {
  return linkedCustomers(deps, bankId, 1)[0] ?? deps.world.listCustomers(bankId, 0, 1).customers[0]
}

/** The picker's choices: linked people first, then the bank's first customers. */
export function pickerChoices(deps: Deps, bankId: string): { linked: Customer[]; others: Customer[] } {
  const linked = linkedCustomers(deps, bankId)
  const seen = new Set(linked.map((customer) => customer.id))
  const others = deps.world
    .listCustomers(bankId, 0, PICKER_FIRST)
    .customers.filter((customer) => !seen.has(customer.id))
  return { linked, others }
}

/** A platform user's name and their customer id at each of their banks. */
export function userBanks(deps: Deps, userId: string) {
  const person = personOfUser(deps, userId)
  if (!person) throw problems.notFound('No such user on the platform.')
  const customers = person.bankIds.flatMap((bankId) => {
    const customer = deps.world.customerOfPerson(bankId, person.index)
    return customer ? [{ bankId, customerId: customer.id }] : []
  })
  return { platformUserId: person.platformUserId, name: person.name, customers }
}
