// Everyday card purchases on one card for one day: Poisson counts by archetype,
// merchants by archetype weights (with favourites), log-normal amounts. This is the
// hot path, so it draws only from the small PRNG and picks from arrays.
import type { CalendarDay } from './calendar.ts'
import { cities } from './cities.ts'
import type { Draft, Target } from './draft.ts'
import { draft } from './draft.ts'
import * as m from './merchants.ts'
import type { Profile } from './profile.ts'
import type { Rng } from './rng.ts'
import { settlement, shoppingTime } from './timing.ts'
import type { Channel } from './types.ts'
import { DAY_MS } from './types.ts'

const MAX_PER_DAY = 8
const ATM_NOTES = [2000, 4000, 6000, 8000, 10000, 20000]

export function pickChannel(rng: Rng, category: m.Category, entry: m.MerchantEntry): Channel {
  const r = rng.next()
  if (category.channels === 'store') return 'in_store'
  if (category.channels === 'online') return entry.platform && r < 0.6 ? 'platform' : 'online'
  if (entry.platform) return r < 0.45 ? 'platform' : r < 0.7 ? 'online' : 'in_store'
  return r < 0.35 ? 'online' : 'in_store'
}

export function pickMerchant(rng: Rng, profile: Profile, category: m.Category): m.MerchantEntry {
  const list = category.merchants
  // People return to the same places: favour one merchant per category.
  const favourite =
    list[((profile.traits.taste ^ Math.imul(category.salt + 1, 0x9e3779b1)) >>> 0) % list.length]
  return favourite && rng.chance(0.5) ? favourite : rng.pick(list)
}

export function chargeAmount(rng: Rng, category: m.Category, scale: number): number {
  if (category === m.atm) return -rng.pick(ATM_NOTES)
  return -Math.max(50, Math.round(rng.logNormal(category.mu, category.sigma) * scale))
}

export function cardPurchases(
  rng: Rng,
  profile: Profile,
  target: Target,
  credit: boolean,
  cal: CalendarDay,
  out: Draft[],
): void {
  const { spec, traits } = profile
  const day = cal.day
  const weekday = cal.weekday
  const mean =
    (credit ? profile.creditPerDay : profile.debitPerDay) * (weekday === 0 || weekday === 6 ? 1.25 : 1)
  const count = Math.min(MAX_PER_DAY, rng.poisson(mean))
  const home = profile.home
  for (let i = 0; i < count; i++) {
    let category = spec.categories[rng.weighted(spec.cumulativeWeights)] ?? m.grocery
    if (credit && category === m.atm) category = m.grocery // cash comes from the debit card
    const entry = pickMerchant(rng, profile, category)
    const amount = chargeAmount(rng, category, traits.spendScale)
    const channel = category === m.atm ? 'in_store' : pickChannel(rng, category, entry)
    const away = channel === 'in_store' && rng.chance(spec.awayChance)
    const city = away ? rng.pick(cities) : home
    const bookedAtMs = day * DAY_MS + shoppingTime(rng, city)
    out.push(draft(target, amount, bookedAtMs, settlement(rng, day), entry, channel, city.name))
  }
}
