import { SCOPES, type Scope } from '../store/records.ts'
import type { Channel } from '../synthetic/types.ts'

// Each bank's data policy is data, not a code path: the scopes it will ever grant.
// A consent gets the intersection of what was asked and what the bank allows.

export { PURPOSES, type Purpose, SCOPES, type Scope } from '../store/records.ts'

/** Asked for, always refused with purpose_not_permitted. */
export const FORBIDDEN_PURPOSE = 'advertising'

export interface BankPolicy {
  /** The scopes this bank ever grants. */
  scopes: Scope[]
  summary: string
}

export interface Bank {
  id: string
  name: string
  policy: BankPolicy
  /** 'fapi2': only the FAPI 2.0 Security Profile (PAR, PKCE, private_key_jwt, DPoP); absent: plain OAuth 2.0. */
  profile?: 'fapi2'
  /**
   * Joined the world after the first banks: nobody's main bank, only ever a second one, so
   * the people of the first banks and their data stay exactly as they were.
   */
  secondaryOnly?: boolean
}

export const DEFAULT_BANKS: readonly Bank[] = [
  {
    id: 'harbor',
    name: 'Harbor Bank',
    policy: {
      scopes: [...SCOPES],
      summary: 'Shares whatever the customer consents to, off-platform spending included.',
    },
  },
  {
    id: 'meridian',
    name: 'Meridian Trust',
    policy: {
      scopes: [
        'accounts:read',
        'balances:read',
        'transactions:read',
        'alerts',
        'cards:write',
        'disputes:write',
      ],
      summary: 'Never shares off-platform transactions.',
    },
  },
  {
    id: 'pinecrest',
    name: 'Pinecrest Credit Union',
    policy: {
      // No disputes: its customers dispute in the bank's own app.
      scopes: ['accounts:read', 'balances:read', 'alerts', 'cards:write'],
      summary: 'Accounts, balances and fraud alerts only; no transactions.',
    },
  },
  {
    id: 'summit',
    name: 'Summit Federal',
    policy: {
      scopes: [...SCOPES],
      summary: 'Shares whatever the customer consents to, through FAPI 2.0 only (PAR, PKCE, DPoP).',
    },
    profile: 'fapi2',
    secondaryOnly: true,
  },
]

/** The banks a person can have as their main bank. */
export function mainBankIds(banks: readonly Bank[]): string[] {
  return banks.filter((bank) => !bank.secondaryOnly).map((bank) => bank.id)
}

export function grantedScopes(bank: Bank, asked: readonly Scope[]): Scope[] {
  return SCOPES.filter((scope) => asked.includes(scope) && bank.policy.scopes.includes(scope))
}

/** Spent anywhere but through the platform: in a store, or online elsewhere. */
export function isOffPlatform(txn: { channel: Channel }): boolean {
  return txn.channel !== 'platform'
}

/**
 * The off-platform rule, by where spending happened: platform spending needs a
 * transactions scope, off-platform spending `transactions.all:read`.
 */
export function spendingVisibleTo(scopes: readonly Scope[]): { platform: boolean; offPlatform: boolean } {
  const offPlatform = scopes.includes('transactions.all:read')
  return { platform: offPlatform || scopes.includes('transactions:read'), offPlatform }
}

/** The same rule as a filter: the transactions a consent with these scopes may read. */
export function transactionsVisibleTo(scopes: readonly Scope[]): (txn: { channel: Channel }) => boolean {
  const visible = spendingVisibleTo(scopes)
  return (txn) => (isOffPlatform(txn) ? visible.offPlatform : visible.platform)
}
