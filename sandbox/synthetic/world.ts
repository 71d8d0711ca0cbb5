// createWorld: the lazy, deterministic synthetic world. Creating one does O(1) work;
// every record is computed on demand from (seed, kind, index) and memoized only in
// small bounded caches, so a world of ten million people costs what one of ten does.
import type { Faker } from '@faker-js/faker'
import { accountsOf, generateAccount, hasAccount } from './accounts.ts'
import { cardsOf, generateCard } from './cards.ts'
import { createContext, isPersonIndex } from './context.ts'
import { parseAccountId, parseCardId, parseCustomerId } from './ids.ts'
import { isMember } from './membership.ts'
import { cached, Memo } from './memo.ts'
import { createFaker, generatePerson } from './people.ts'
import { customerProfile, type Profile } from './profile.ts'
import { createTransactionSource } from './transactions.ts'
import type {
  Account,
  AccountType,
  Card,
  Customer,
  Person,
  Transaction,
  World,
  WorldConfig,
} from './types.ts'

export interface WorldOptions {
  /** How many account-days (and card-days) of transactions to keep memoized. */
  cacheSize?: number
  /** How many people, customers and profiles to keep memoized. */
  entityCacheSize?: number
}

// A server rereads recent days of a few customers, so it wants roomy caches. A one-pass
// export wants small ones: cached objects that outlive a young-generation GC cycle get
// promoted to the old generation, which is what makes an export's heap grow.
export function createWorld(config: WorldConfig, options: WorldOptions = {}): World {
  const ctx = createContext(config)
  const seed = config.seed
  const cacheSize = Math.max(16, options.cacheSize ?? 4096)
  const entities = Math.max(1, options.entityCacheSize ?? 512)
  let faker: Faker | undefined // built on first use: a world nobody reads costs nothing
  const people = new Memo<number, Person>(entities)
  const profiles = new Memo<string, Profile>(entities)
  const customers = new Memo<string, Customer>(entities)
  // Every bank data call looks its account up by id; rebuilding it each time cost more than the balance.
  const accounts = new Memo<string, Account>(entities)
  const transactions = createTransactionSource(seed, cacheSize)
  // Account id → its owner's profile: transactionsOnDay is called per account-day, and
  // an existing id string hashes for free where parsing it would not.
  const owners = new Memo<string, { profile: Profile; type: AccountType } | null>(entities)

  function profileOf(bankId: string, index: number): Profile | undefined {
    const bankHash = ctx.bankHash.get(bankId)
    if (bankHash === undefined || !isPersonIndex(ctx, index) || !isMember(ctx, bankId, index))
      return undefined
    return cached(profiles, `${bankId}:${index}`, () => customerProfile(ctx, bankId, bankHash, index))
  }

  function openingBalance(profile: Profile, type: AccountType): number {
    const base = profile.opening[type]
    return type === 'credit' ? base - transactions.creditOwedBefore(profile, config.startDay) : base
  }

  function person(index: number): Person | undefined {
    if (!isPersonIndex(ctx, index)) return undefined
    return cached(people, index, () => {
      faker ??= createFaker()
      const made = generatePerson(faker, ctx, index)
      Object.freeze(made.address)
      Object.freeze(made.bankIds)
      return Object.freeze(made)
    })
  }

  function customerOfPerson(bankId: string, index: number): Customer | undefined {
    const profile = profileOf(bankId, index)
    const who = profile && person(index)
    if (!profile || !who) return undefined
    return cached(customers, profile.customerId, () =>
      Object.freeze({
        id: profile.customerId,
        bankId,
        person: who,
        accounts: Object.freeze(
          accountsOf(seed, profile, (type) => openingBalance(profile, type)).map((a) => Object.freeze(a)),
        ) as Account[],
        cards: Object.freeze(cardsOf(seed, profile).map((c) => Object.freeze(c))) as Card[],
      }),
    )
  }

  function listCustomers(bankId: string, from: number, limit: number) {
    const found: Customer[] = []
    if (!ctx.bankHash.has(bankId) || !Number.isSafeInteger(from) || !Number.isSafeInteger(limit)) {
      return { customers: found, next: null }
    }
    let index = Math.max(0, from)
    for (; index < config.customers && found.length < Math.max(0, limit); index++) {
      const customer = customerOfPerson(bankId, index)
      if (customer) found.push(customer)
    }
    // Skip ahead to the next member, so `next` is null exactly when nothing is left.
    while (index < config.customers && !isMember(ctx, bankId, index)) index++
    return { customers: found, next: index < config.customers ? index : null }
  }

  function account(id: string): Account | undefined {
    const known = accounts.get(id)
    if (known) return known
    const made = makeAccount(id)
    return made && accounts.set(id, made)
  }

  function makeAccount(id: string): Account | undefined {
    const parsed = parseAccountId(id)
    const profile = parsed && profileOf(parsed.bankId, parsed.index)
    if (!parsed || !profile || !hasAccount(profile, parsed.type)) return undefined
    return Object.freeze(generateAccount(seed, profile, parsed.type, openingBalance(profile, parsed.type)))
  }

  function card(id: string): Card | undefined {
    const parsed = parseCardId(id)
    const profile = parsed && profileOf(parsed.bankId, parsed.index)
    if (!parsed || !profile || (parsed.code === 'c' && !profile.hasCredit)) return undefined
    return Object.freeze(generateCard(seed, profile, parsed.code === 'd' ? 'debit' : 'credit'))
  }

  function customer(bankId: string, id: string): Customer | undefined {
    const parsed = parseCustomerId(id)
    if (!parsed || parsed.bankId !== bankId) return undefined
    return customerOfPerson(bankId, parsed.index)
  }

  function ownerOf(id: string): { profile: Profile; type: AccountType } | null {
    const parsed = parseAccountId(id)
    const profile = parsed && profileOf(parsed.bankId, parsed.index)
    return parsed && profile && hasAccount(profile, parsed.type) ? { profile, type: parsed.type } : null
  }

  // Callers walk one account's days in a row (a page, a balance, an export), so the last
  // owner is remembered by the account object itself: no id hashing per day.
  let lastAccount: Account | undefined
  let lastOwner: { profile: Profile; type: AccountType } | null = null

  function transactionsOnDay(acct: Account, day: number): readonly Transaction[] {
    if (typeof acct?.id !== 'string' || !Number.isSafeInteger(day)) return []
    if (acct !== lastAccount) {
      let owner = owners.get(acct.id)
      if (owner === undefined) owner = owners.set(acct.id, ownerOf(acct.id))
      lastAccount = acct
      lastOwner = owner
    }
    return lastOwner ? transactions.onDay(lastOwner.profile, lastOwner.type, day) : []
  }

  return { config, person, listCustomers, customer, customerOfPerson, account, card, transactionsOnDay }
}
