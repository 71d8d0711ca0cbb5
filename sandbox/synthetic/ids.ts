// Building and parsing entity ids. Person indices are written in base 36 so no id ever
// holds a run of 13+ digits (a card-number scan must never flag an id), and parsing
// accepts only the canonical spelling, so each record has exactly one id.
import type { AccountType } from './types.ts'

export type AccountCode = 'chk' | 'sav' | 'crd'
export type CardCode = 'd' | 'c'

export const accountCodes: Record<AccountType, AccountCode> = {
  checking: 'chk',
  savings: 'sav',
  credit: 'crd',
}
const accountTypes: Record<string, AccountType> = { chk: 'checking', sav: 'savings', crd: 'credit' }

export function p36(index: number): string {
  return index.toString(36).padStart(5, '0')
}

/** The person index a canonical base-36 segment names, or undefined. */
export function parseP36(text: string): number | undefined {
  if (!/^[0-9a-z]{5,11}$/.test(text)) return undefined
  const index = Number.parseInt(text, 36)
  return p36(index) === text ? index : undefined
}

export const platformUserId = (index: number): string => `usr_${p36(index)}`
export const customerId = (bankId: string, index: number): string => `cus_${bankId}_${p36(index)}`
export const accountId = (bankId: string, index: number, type: AccountType): string =>
  `acc_${bankId}_${p36(index)}_${accountCodes[type]}`
export const cardId = (bankId: string, index: number, code: CardCode): string =>
  `card_${bankId}_${p36(index)}_${code}`

export interface ParsedId {
  bankId: string
  index: number
  /** The trailing segment (account code or card code), '' for customer ids. */
  suffix: string
}

/**
 * Splits `${prefix}_${bankId}_${p36}[_${suffix}]` from the right, so a bank id may
 * itself contain underscores.
 */
function parse(id: string, prefix: string, withSuffix: boolean): ParsedId | undefined {
  if (typeof id !== 'string' || !id.startsWith(`${prefix}_`) || id.length > 200) return undefined
  let rest = id.slice(prefix.length + 1)
  let suffix = ''
  if (withSuffix) {
    const cut = rest.lastIndexOf('_')
    if (cut < 0) return undefined
    suffix = rest.slice(cut + 1)
    rest = rest.slice(0, cut)
  }
  const cut = rest.lastIndexOf('_')
  if (cut <= 0) return undefined
  const index = parseP36(rest.slice(cut + 1))
  if (index === undefined) return undefined
  return { bankId: rest.slice(0, cut), index, suffix }
}

export const parseCustomerId = (id: string): ParsedId | undefined => parse(id, 'cus', false)

export function parseAccountId(id: string): (ParsedId & { type: AccountType }) | undefined {
  const parsed = parse(id, 'acc', true)
  const type = parsed && Object.hasOwn(accountTypes, parsed.suffix) ? accountTypes[parsed.suffix] : undefined
  return parsed && type ? { ...parsed, type } : undefined
}

export function parseCardId(id: string): (ParsedId & { code: CardCode }) | undefined {
  const parsed = parse(id, 'card', true)
  if (!parsed || (parsed.suffix !== 'd' && parsed.suffix !== 'c')) return undefined
  return { ...parsed, code: parsed.suffix }
}
