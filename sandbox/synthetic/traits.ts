// The cheap, faker-free facts about a person that transactions depend on. Kept apart
// from people.ts so the hot path never has to build a full person.
import { archetypeNames, archetypeWeights } from './archetypes.ts'
import { cities, cityWeights } from './cities.ts'
import { cumulative, hash, Kind, Rng } from './rng.ts'
import type { Archetype } from './types.ts'

export interface Traits {
  archetype: Archetype
  /** Index into `cities`. */
  homeCity: number
  /** Multiplies every charge: some people simply spend more. */
  spendScale: number
  /** Picks this person's favourite merchants within each category. */
  taste: number
}

const cityCumulative = cumulative(cityWeights)

export function personTraits(seed: number, index: number): Traits {
  const rng = new Rng(hash(seed, Kind.traits, index))
  const archetype = archetypeNames[rng.weighted(archetypeWeights)] ?? 'commuter'
  const homeCity = rng.weighted(cityCumulative)
  const spendScale = Math.min(3, Math.max(0.4, rng.logNormal(0, 0.3)))
  return { archetype, homeCity, spendScale, taste: rng.uint32() }
}

export function homeCityOf(traits: Traits) {
  const city = cities[traits.homeCity]
  if (!city) throw new RangeError('home city out of range')
  return city
}
