// Cards: a debit card on checking, a credit card on the credit account. Numbers come
// from the networks' published test ranges, so no generated PAN can ever be a real
// card, and end in a correct Luhn check digit.
import { accountId, cardId } from './ids.ts'
import { luhnCheckDigit } from './luhn.ts'
import type { Profile } from './profile.ts'
import { cumulative, hash, Kind, Rng } from './rng.ts'
import type { Card } from './types.ts'

type Network = Card['network']

/** Test-range prefixes and full lengths (Amex numbers are 15 digits). */
export const testRanges: Record<Network, { prefixes: readonly string[]; length: number }> = {
  visa: { prefixes: ['411111', '424242'], length: 16 },
  mastercard: { prefixes: ['555555', '510510'], length: 16 },
  amex: { prefixes: ['378282'], length: 15 },
  discover: { prefixes: ['601111'], length: 16 },
}

const debitNetworks: readonly Network[] = ['visa', 'mastercard']
const debitWeights = cumulative([70, 30])
const creditNetworks: readonly Network[] = ['visa', 'mastercard', 'amex', 'discover']
const creditWeights = cumulative([40, 30, 18, 12])

export function testPan(rng: Rng, network: Network): string {
  const range = testRanges[network]
  let body = rng.pick(range.prefixes)
  while (body.length < range.length - 1) body += String(rng.int(0, 9))
  return body + luhnCheckDigit(body)
}

export function generateCard(seed: number, profile: Profile, kind: Card['kind']): Card {
  const rng = new Rng(hash(seed, Kind.card, profile.bankHash, profile.index, kind === 'debit' ? 1 : 2))
  const network =
    kind === 'debit' ? debitNetworks[rng.weighted(debitWeights)] : creditNetworks[rng.weighted(creditWeights)]
  const pan = testPan(rng, network ?? 'visa')
  const month = String(rng.int(1, 12)).padStart(2, '0')
  return {
    id: cardId(profile.bankId, profile.index, kind === 'debit' ? 'd' : 'c'),
    bankId: profile.bankId,
    customerId: profile.customerId,
    accountId: accountId(profile.bankId, profile.index, kind === 'debit' ? 'checking' : 'credit'),
    kind,
    network: network ?? 'visa',
    pan,
    last4: pan.slice(-4),
    expiry: `${month}/${rng.int(27, 31)}`,
  }
}

export function cardsOf(seed: number, profile: Profile): Card[] {
  const debit = generateCard(seed, profile, 'debit')
  return profile.hasCredit ? [debit, generateCard(seed, profile, 'credit')] : [debit]
}
