// What every output format implements, and the JSON fragments NDJSON and JSON share.
// Cards are exported without their number: the export is a dataset for building
// integrations, and a PAN has no place in one. The fraud label is in.
import type { Account, Card, Customer, Merchant, Person, Transaction } from '../synthetic/types.ts'
import { decimal } from './decimal.ts'

export interface ExportMeta {
  generator: 'bank-sandbox'
  version: number
  seed: number
  customers: number
  days: number
  now: string
  startDate: string
  bankIds: readonly string[]
}

export interface PersonEntry {
  person: Person
  customers: readonly Customer[]
  /** Each day's exported transactions of the account, oldest day first. */
  days(account: Account): Iterable<readonly Transaction[]>
}

export interface EncoderContext {
  nowMs: number
  iso: (ms: number) => string
  bankIds: readonly string[]
}

export interface Encoder {
  header(meta: ExportMeta): string
  /** Yields the person's output in pieces small enough to honour the chunk size. */
  person(entry: PersonEntry, first: boolean): Iterable<string>
  footer(): string
}

const money = (amount: number) => ({ amount, currency: 'USD' as const })

export function customerRecord(customer: Customer) {
  return { id: customer.id, bankId: customer.bankId, platformUserId: customer.person.platformUserId }
}

export function accountFields(account: Account) {
  return {
    id: account.id,
    customerId: account.customerId,
    bankId: account.bankId,
    name: account.name,
    mask: account.mask,
    currency: account.currency,
    openingBalance: money(account.openingBalance),
    creditLimit: account.creditLimit === null ? null : money(account.creditLimit),
  }
}

/** The card without its number. */
export function cardRecord(card: Card) {
  const { id, accountId, kind, network, last4, expiry } = card
  return { id, accountId, kind, network, last4, expiry }
}

/**
 * Serializes transactions by template instead of JSON.stringify: the hot loop of an
 * export. Strings from the finite merchant/city tables are escaped once and memoized,
 * and constant runs (status, fraud label) are whole strings, to keep allocation low.
 */
export function createTransactionJson({ nowMs, iso, bankIds }: EncoderContext) {
  // Ids are built from the bank id and [0-9a-z_], so they need escaping only if a bank id does.
  const safeIds = bankIds.every((bankId) => JSON.stringify(bankId) === `"${bankId}"`)
  const raw = (text: string) => (safeIds ? text : JSON.stringify(text).slice(1, -1))
  const quoted = new Map<string, string>()
  const merchants = new Map<Merchant, string>()
  const q = (text: string) => {
    let found = quoted.get(text)
    if (found === undefined) {
      found = JSON.stringify(text)
      if (quoted.size < 10_000) quoted.set(text, found)
    }
    return found
  }
  const merchantJson = (merchant: Merchant) => {
    let found = merchants.get(merchant)
    if (found === undefined) {
      found = `,"merchant":${JSON.stringify({ name: merchant.name, mcc: merchant.mcc, category: merchant.category })},"channel":"`
      merchants.set(merchant, found)
    }
    return found
  }
  const fraudJson: Record<string, string> = {}
  const fraudOf = (fraud: string | null) => {
    const key = fraud ?? ''
    fraudJson[key] ??= `,"fraud":${fraud === null ? 'null' : JSON.stringify(fraud)}}`
    return fraudJson[key]
  }
  // Consecutive transactions share their account: reuse its fragments.
  let lastAccount = ''
  let withCard = ''
  let withoutCard = ''
  return (t: Transaction, prefix: string): string => {
    if (t.accountId !== lastAccount) {
      lastAccount = t.accountId
      withoutCard = `","accountId":"${raw(t.accountId)}","cardId":null,"amount":{"amount":`
      withCard = `","accountId":"${raw(t.accountId)}","cardId":"`
    }
    const owner = t.cardId === null ? withoutCard : `${withCard}${raw(t.cardId)}","amount":{"amount":`
    const status =
      t.postedAtMs > nowMs
        ? ',"currency":"USD"},"status":"pending","bookedAt":"'
        : ',"currency":"USD"},"status":"posted","bookedAt":"'
    return `{${prefix}"id":"${raw(t.id)}${owner}${decimal(t.amount)}${status}${iso(t.bookedAtMs)}","postedAt":"${iso(
      t.postedAtMs,
    )}"${merchantJson(t.merchant)}${t.channel}","description":${q(t.description)},"city":${q(t.city)}${fraudOf(t.fraud)}`
  }
}
