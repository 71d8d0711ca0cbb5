// The internal model of the synthetic world. Everything here is a pure function of
// (seed, kind, index); nothing is stored. Secrets (the full card number) and ground
// truth (fraud labels, locations) live here and never reach an API response directly:
// the bank layer maps these records to the wire shapes of the API.

export const DAY_MS = 86_400_000

export type Archetype = 'student' | 'family' | 'commuter' | 'retiree' | 'traveller'
export type AccountType = 'checking' | 'savings' | 'credit'
export type Channel = 'in_store' | 'online' | 'platform'
export type FraudPattern = 'card_testing' | 'account_takeover' | 'amount_anomaly' | 'impossible_travel'

export interface WorldConfig {
  seed: number
  /** How many people the world has; customers of each bank are a subset. */
  customers: number
  /** Bank ids in order, e.g. ['harbor', 'meridian', 'pinecrest']. */
  bankIds: readonly string[]
  /**
   * The banks a person can have as their main bank, in order; default all of `bankIds`. A
   * bank that joined the world later (summit) is only ever a second bank, so the people of
   * the first ones keep their main bank and their data.
   */
  mainBankIds?: readonly string[]
  /** First UTC day number (ms / DAY_MS) of the history; opening balances are as of its start. */
  startDay: number
}

export interface Address {
  line1: string
  city: string
  state: string
  postalCode: string
  country: 'US'
}

export interface Person {
  index: number
  platformUserId: string
  firstName: string
  lastName: string
  name: string
  email: string
  phone: string
  address: Address
  archetype: Archetype
  /** Banks this person is a customer of, in `bankIds` order; never empty. */
  bankIds: string[]
}

export interface Account {
  id: string
  bankId: string
  customerId: string
  type: AccountType
  name: string
  /** Last 4 digits of the account number. */
  mask: string
  currency: 'USD'
  /** Minor units at the start of `startDay`; money owed is negative. */
  openingBalance: number
  /** Credit accounts only: the limit in minor units (positive). */
  creditLimit: number | null
}

export interface Card {
  id: string
  bankId: string
  customerId: string
  accountId: string
  kind: 'debit' | 'credit'
  network: 'visa' | 'mastercard' | 'amex' | 'discover'
  /** Full, Luhn-valid number from a published test range. Never leaves the bank. */
  pan: string
  last4: string
  /** "MM/YY" */
  expiry: string
}

export interface Customer {
  id: string
  bankId: string
  person: Person
  accounts: Account[]
  cards: Card[]
}

export interface Merchant {
  name: string
  /** ISO 18245 merchant category code, four digits. */
  mcc: string
  category: string
}

export interface Transaction {
  id: string
  accountId: string
  cardId: string | null
  /** Signed minor units: a charge is negative. */
  amount: number
  bookedAtMs: number
  /** When the transaction settles; before this it is pending. */
  postedAtMs: number
  merchant: Merchant
  channel: Channel
  description: string
  /** Where it happened (hidden; used by the fraud engine for impossible travel). */
  city: string
  /** Hidden ground truth: the injected fraud pattern, or null. */
  fraud: FraudPattern | null
}

export interface World {
  readonly config: WorldConfig
  person(index: number): Person | undefined
  /** Customers of a bank in person-index order, starting at person index `from`. */
  listCustomers(bankId: string, from: number, limit: number): { customers: Customer[]; next: number | null }
  customer(bankId: string, customerId: string): Customer | undefined
  customerOfPerson(bankId: string, personIndex: number): Customer | undefined
  account(accountId: string): Account | undefined
  card(cardId: string): Card | undefined
  /** Every transaction booked on that UTC day, oldest first. Pure; memoized. */
  transactionsOnDay(account: Account, day: number): readonly Transaction[]
}
