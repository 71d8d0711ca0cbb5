// A customer's money plan at one bank: which accounts they hold, how they are paid,
// what recurs each month and how much they spend per day. Everything downstream
// (accounts, cards, transactions) reads from this one pure function of
// (seed, bank, person), and income is budgeted to exceed expected spending.
import { type ArchetypeSpec, archetypes } from './archetypes.ts'
import type { City } from './cities.ts'
import type { WorldContext } from './context.ts'
import type { Target } from './draft.ts'
import { accountId, cardId, customerId, p36 } from './ids.ts'
import { isMainBank } from './membership.ts'
import * as m from './merchants.ts'
import { hash, hashString, Kind, Rng } from './rng.ts'
import { subscriptionPlans } from './subscriptions.ts'
import { homeCityOf, personTraits, type Traits } from './traits.ts'
import type { AccountType } from './types.ts'

export interface Subscription {
  entry: m.MerchantEntry
  dayOfMonth: number
  amount: number
}

export interface Profile {
  bankId: string
  bankHash: number
  index: number
  p36: string
  customerId: string
  main: boolean
  traits: Traits
  spec: ArchetypeSpec
  home: City
  /** Ids and charge targets built once, so the hot path never formats them. */
  accountIds: Record<AccountType, string>
  cards: { debit: Target; credit: Target }
  bankTargets: Record<AccountType, Target>
  /** Hashes of the account and card ids, for the direct-mapped transaction caches. */
  idHash: { accounts: Record<AccountType, number>; debitCard: number; creditCard: number }
  hasSavings: boolean
  hasCredit: boolean
  debitPerDay: number
  creditPerDay: number
  income: { kind: 'semimonthly' | 'monthly' | 'pension' | 'external'; entry: m.MerchantEntry; amount: number }
  housing: { entry: m.MerchantEntry; amount: number } | null
  /** Billed to the credit card when there is one, else the debit card. */
  subscriptions: readonly Subscription[]
  savingsTransfer: { dayOfMonth: number; amount: number } | null
  paymentDayOfMonth: number
  savingsInterest: number
  /**
   * Balances that do not depend on the start day. For credit this is the revolving
   * debt carried forever; the account's opening balance adds what is owed on the
   * start day (see `creditOwedBefore`).
   */
  opening: { checking: number; savings: number; credit: number }
  creditLimit: number
  /** The person's usual card charge in cents, the yardstick for amount anomalies. */
  typicalCharge: number
}

const DAYS_PER_MONTH = 30.44
/** Weekends run 25% busier; this is the resulting weekly average. */
const WEEK_FACTOR = (5 + 2 * 1.25) / 7
const SECONDARY_SHARE = 0.3

export function customerProfile(ctx: WorldContext, bankId: string, bankHash: number, index: number): Profile {
  const traits = personTraits(ctx.seed, index)
  const spec = archetypes[traits.archetype]
  const rng = new Rng(hash(ctx.seed, Kind.profile, bankHash, index))
  const main = isMainBank(ctx, bankId, index)
  const hasSavings = rng.chance(spec.savingsChance)
  const hasCredit = rng.chance(spec.creditChance)
  const perDay = spec.purchasesPerDay * (main ? 1 : SECONDARY_SHARE)
  const creditShare = hasCredit ? rng.range(0.35, 0.75) : 0
  const typicalCharge = spec.meanCharge * traits.spendScale

  const housing =
    main && rng.chance(spec.housing.chance)
      ? {
          entry: rng.pick(spec.housing.kind === 'rent' ? m.rent.merchants : m.mortgage.merchants),
          amount:
            Math.round(rng.range(spec.housing.minDollars, spec.housing.maxDollars) * traits.spendScale) * 100,
        }
      : null
  const subscriptions = main ? pickSubscriptions(rng) : []
  const cardSpend = perDay * DAYS_PER_MONTH * WEEK_FACTOR * typicalCharge
  const savingsTransfer = hasSavings
    ? { dayOfMonth: rng.pick([2, 16]), amount: Math.max(1000, Math.round(cardSpend * rng.range(0.05, 0.12))) }
    : null
  const monthlyOut =
    cardSpend +
    (housing?.amount ?? 0) +
    subscriptions.reduce((sum, s) => sum + s.amount, 0) +
    (savingsTransfer?.amount ?? 0)
  const monthlyIncome = monthlyOut * rng.range(1.1, 1.35)
  const incomeKind = main ? (spec.payday === 'pension' ? 'pension' : spec.payday) : 'external'
  const incomeEntry =
    incomeKind === 'pension'
      ? rng.pick(m.pension.merchants)
      : incomeKind === 'external'
        ? m.entry(m.transfer, 1)
        : rng.pick(m.income.merchants)

  // A limit comfortably above the charges of two statement cycles.
  const creditSpend = perDay * creditShare * DAYS_PER_MONTH * WEEK_FACTOR * typicalCharge
  const creditLimit = hasCredit
    ? Math.max(rng.pick(spec.creditLimitsDollars) * 100, Math.ceil((3 * creditSpend) / 50_000) * 50_000)
    : 0
  const savingsOpening = hasSavings
    ? Math.round(rng.logNormal(Math.log(spec.savingsMedianDollars * 100), 0.8) * traits.spendScale)
    : 0
  return {
    bankId,
    bankHash,
    index,
    p36: p36(index),
    customerId: customerId(bankId, index),
    main,
    traits,
    spec,
    home: homeCityOf(traits),
    ...idsOf(bankId, index),
    hasSavings,
    hasCredit,
    debitPerDay: perDay * (1 - creditShare),
    creditPerDay: perDay * creditShare,
    income: {
      kind: incomeKind,
      entry: incomeEntry,
      amount: Math.round(incomeKind === 'semimonthly' ? monthlyIncome / 2 : monthlyIncome),
    },
    housing,
    subscriptions,
    savingsTransfer,
    paymentDayOfMonth: rng.int(18, 25),
    savingsInterest: Math.round((savingsOpening * rng.range(0.005, 0.045)) / 12),
    opening: {
      checking: Math.round(monthlyIncome * rng.range(0.5, 1.5)),
      savings: savingsOpening,
      credit: hasCredit ? -Math.round(rng.range(0, 0.25) * creditLimit) : 0,
    },
    creditLimit,
    typicalCharge,
  }
}

function idsOf(
  bankId: string,
  index: number,
): Pick<Profile, 'accountIds' | 'cards' | 'bankTargets' | 'idHash'> {
  const accountIds = {
    checking: accountId(bankId, index, 'checking'),
    savings: accountId(bankId, index, 'savings'),
    credit: accountId(bankId, index, 'credit'),
  }
  const plain = (id: string): Target => ({ accountId: id, cardId: null })
  const debitCard = cardId(bankId, index, 'd')
  const creditCard = cardId(bankId, index, 'c')
  return {
    accountIds,
    idHash: {
      accounts: {
        checking: hashString(accountIds.checking),
        savings: hashString(accountIds.savings),
        credit: hashString(accountIds.credit),
      },
      debitCard: hashString(debitCard),
      creditCard: hashString(creditCard),
    },
    cards: {
      debit: { accountId: accountIds.checking, cardId: debitCard },
      credit: { accountId: accountIds.credit, cardId: creditCard },
    },
    bankTargets: {
      checking: plain(accountIds.checking),
      savings: plain(accountIds.savings),
      credit: plain(accountIds.credit),
    },
  }
}

function pickSubscriptions(rng: Rng): Subscription[] {
  const count = rng.int(1, 4)
  const chosen = new Set<number>()
  while (chosen.size < count) chosen.add(rng.int(0, subscriptionPlans.length - 1))
  return [...chosen]
    .sort((a, b) => a - b)
    .flatMap((i) => {
      const plan = subscriptionPlans[i]
      return plan ? [{ entry: plan.entry, dayOfMonth: rng.int(1, 28), amount: plan.price }] : []
    })
}
