// Injected fraud with hidden ground truth. On a small hash-decided share of
// (card, day) pairs one pattern is added to that card's charges; every fraudulent
// charge carries its pattern in `fraud` so the fraud engine can be scored.
import { cities, farCities } from './cities.ts'
import type { Draft, Target } from './draft.ts'
import { draft } from './draft.ts'
import * as m from './merchants.ts'
import type { Profile } from './profile.ts'
import { chargeAmount, pickMerchant } from './purchases.ts'
import { cumulative, hash, Kind, Rng, unit } from './rng.ts'
import { settlement, shoppingTime } from './timing.ts'
import { homeCityOf } from './traits.ts'
import { DAY_MS, type FraudPattern } from './types.ts'

/** Share of (card, day) pairs that get a pattern; tuned for ~0.5% fraudulent transactions. */
export const FRAUD_DAY_RATE = 0.0016

const patterns: readonly FraudPattern[] = [
  'card_testing',
  'account_takeover',
  'amount_anomaly',
  'impossible_travel',
]
const patternWeights = cumulative([25, 25, 25, 25])
const MINUTE_MS = 60_000
const testingCategories = [m.donations, m.digitalGoods, m.giftCards]
const takeoverCategories = [m.electronics, m.giftCards]
const anomalyCategories = [m.electronics, m.departmentStores, m.hotels, m.airlines]
const travelCategories = [m.restaurants, m.clothing, m.electronics, m.fuel]

/** The pattern injected on this card and day, or null (cheap: one hash). */
export function fraudOn(seed: number, profile: Profile, credit: boolean, day: number): Rng | null {
  const h = hash(seed, Kind.fraud, profile.bankHash, profile.index, credit ? 2 : 1, day)
  return unit(h) < FRAUD_DAY_RATE ? new Rng(hash(h, Kind.fraud)) : null
}

export function injectFraud(rng: Rng, profile: Profile, target: Target, day: number, out: Draft[]): void {
  const pattern = patterns[rng.weighted(patternWeights)] ?? 'amount_anomaly'
  const start = day * DAY_MS
  const stranger = rng.pick(cities).name // where a card-not-present fraudster appears to be
  if (pattern === 'card_testing') {
    // A burst of tiny online charges within a few minutes at one odd merchant.
    const entry = rng.pick(rng.pick(testingCategories).merchants)
    const count = rng.int(5, 20)
    let t = start + rng.int(0, DAY_MS - 20 * MINUTE_MS)
    for (let i = 0; i < count; i++) {
      t += rng.int(5_000, 40_000)
      out.push(draft(target, -rng.int(50, 199), t, settlement(rng, day), entry, 'online', stranger, pattern))
    }
  } else if (pattern === 'account_takeover') {
    let t = start + rng.int(0, DAY_MS - 3 * 60 * MINUTE_MS)
    for (let i = rng.int(2, 4); i > 0; i--) {
      t += rng.int(2, 40) * MINUTE_MS
      const entry = rng.pick(rng.pick(takeoverCategories).merchants)
      const amount = -Math.max(25_000, Math.round(rng.logNormal(Math.log(60_000), 0.4)))
      out.push(draft(target, amount, t, settlement(rng, day), entry, 'online', stranger, pattern))
    }
  } else if (pattern === 'amount_anomaly') {
    const entry = rng.pick(rng.pick(anomalyCategories).merchants)
    const amount = -Math.round(profile.typicalCharge * rng.range(10, 50))
    const home = homeCityOf(profile.traits)
    const t = start + shoppingTime(rng, home)
    out.push(draft(target, amount, t, settlement(rng, day), entry, 'in_store', home.name, pattern))
  } else {
    // A genuine in-store charge at home, then one 1,500+ km away within the hour.
    const homeIndex = profile.traits.homeCity
    const home = homeCityOf(profile.traits)
    const far = cities[rng.pick(farCities[homeIndex] ?? [])] ?? home
    const t = start + rng.int(0, DAY_MS - 60 * MINUTE_MS)
    const first = rng.pick(travelCategories)
    const second = rng.pick(travelCategories)
    const scale = profile.traits.spendScale
    out.push(
      draft(
        target,
        chargeAmount(rng, first, scale),
        t,
        settlement(rng, day),
        pickMerchant(rng, profile, first),
        'in_store',
        home.name,
      ),
    )
    const t2 = t + rng.int(5, 55) * MINUTE_MS
    const entry = rng.pick(second.merchants)
    out.push(
      draft(
        target,
        chargeAmount(rng, second, scale),
        t2,
        settlement(rng, day),
        entry,
        'in_store',
        far.name,
        pattern,
      ),
    )
  }
}
