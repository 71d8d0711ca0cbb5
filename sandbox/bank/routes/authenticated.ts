import type { MiddlewareHandler } from 'hono'
import type { Deps } from '../../deps.ts'
import { requestHeader } from '../../http/header.ts'
import { problems } from '../../http/problem.ts'
import type { ConsentRecord } from '../../store/state.ts'
import type { Customer } from '../../world/types.ts'
import { type Scope, seesOffPlatform } from '../policy.ts'
import { authenticate } from '../tokens.ts'
import type { BankEnv } from './env.ts'

/** Resolves the bank and the token's consent on every data call, so revocation bites at once. */
export function authenticated(deps: Deps): MiddlewareHandler<BankEnv> {
  return async (c, next) => {
    const bank = deps.requireBank(c.req.param('bankId') ?? '')
    c.set('bank', bank)
    c.set('consent', authenticate(deps, bank.id, requestHeader(c, 'authorization')))
    await next()
  }
}

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

export function offPlatformVisible(consent: ConsentRecord): boolean {
  return seesOffPlatform(consent.scopes)
}
