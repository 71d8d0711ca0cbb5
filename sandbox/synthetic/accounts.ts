// Accounts of one customer: checking always, savings and credit as the profile says.
import { accountId } from './ids.ts'
import type { Profile } from './profile.ts'
import { hash, Kind, Rng } from './rng.ts'
import type { Account, AccountType } from './types.ts'

export const accountTypeCode: Record<AccountType, number> = { checking: 1, savings: 2, credit: 3 }

const names: Record<AccountType, readonly string[]> = {
  checking: ['Everyday Checking', 'Essential Checking', 'Premier Checking'],
  savings: ['High-Yield Savings', 'Rainy Day Savings', 'Savings Plus'],
  credit: ['Rewards Credit Card', 'Cash Back Card', 'Travel Rewards Card'],
}

export function hasAccount(profile: Profile, type: AccountType): boolean {
  return type === 'checking' || (type === 'savings' ? profile.hasSavings : profile.hasCredit)
}

/** `openingBalance` is the balance at the start of the world's first day. */
export function generateAccount(
  seed: number,
  profile: Profile,
  type: AccountType,
  openingBalance: number,
): Account {
  const rng = new Rng(hash(seed, Kind.account, profile.bankHash, profile.index, accountTypeCode[type]))
  return {
    id: accountId(profile.bankId, profile.index, type),
    bankId: profile.bankId,
    customerId: profile.customerId,
    type,
    name: rng.pick(names[type]),
    mask: String(rng.int(0, 9999)).padStart(4, '0'),
    currency: 'USD',
    openingBalance,
    creditLimit: type === 'credit' ? profile.creditLimit : null,
  }
}

export function accountsOf(
  seed: number,
  profile: Profile,
  opening: (type: AccountType) => number,
): Account[] {
  const types: AccountType[] = ['checking', 'savings', 'credit']
  return types
    .filter((type) => hasAccount(profile, type))
    .map((type) => generateAccount(seed, profile, type, opening(type)))
}
