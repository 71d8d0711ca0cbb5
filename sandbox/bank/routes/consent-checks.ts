import type { Deps } from '../../deps.ts'
import { problems } from '../../http/problem.ts'
import type { ConsentRecord } from '../../store/state.ts'
import type { Customer } from '../../synthetic/types.ts'
import type { Scope } from '../policy.ts'

// What a data route asks of the consent its token resolved to (see BankGate.data).

export function requireScope(consent: ConsentRecord, ...anyOf: Scope[]): void {
  if (!anyOf.some((scope) => consent.scopes.includes(scope)))
    throw problems.insufficientScope(anyOf.join(' or '))
}

export function consentCustomer(deps: Deps, consent: ConsentRecord): Customer {
  const customer = deps.world.customer(consent.bankId, consent.customerId)
  // A consent always names a real customer; this only fails if the world was reset under it.
  if (!customer) throw problems.notFound('The customer behind this consent no longer exists.')
  return customer
}
