import { type Bank, type Scope, spendingVisibleTo } from '../bank/policy.ts'

// "What the integration may see" under each bank's policy, side by side.
// Derived from the policy's scopes alone (as GET /health lists them), so a new bank
// with a new policy shows up correctly without code for it.

export interface PolicyView {
  bankId: string
  name: string
  summary: string
  may: {
    accounts: boolean
    balances: boolean
    platformSpending: boolean
    offPlatformSpending: boolean
    alerts: boolean
  }
  /** Of this person's transactions in the window, how many the policy lets through. */
  visible: number
  total: number
}

export function policyView(bank: Bank, channels: { platform: number; offPlatform: number }): PolicyView {
  return {
    bankId: bank.id,
    name: bank.name,
    summary: bank.policy.summary,
    ...mayShare(bank.policy.scopes, channels),
  }
}

/** The same test applies to a consent's granted scopes: what this link lets through. */
export function mayShare(scopes: readonly Scope[], channels: { platform: number; offPlatform: number }) {
  const spending = spendingVisibleTo(scopes)
  return {
    may: {
      accounts: scopes.includes('accounts:read'),
      balances: scopes.includes('balances:read'),
      platformSpending: spending.platform,
      offPlatformSpending: spending.offPlatform,
      alerts: scopes.includes('alerts'),
    },
    visible: (spending.platform ? channels.platform : 0) + (spending.offPlatform ? channels.offPlatform : 0),
    total: channels.platform + channels.offPlatform,
  }
}
