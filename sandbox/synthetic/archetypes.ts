// How each spending archetype lives: how often and where they spend, how they are
// paid, what they pay for housing and which accounts they tend to hold.
import * as m from './merchants.ts'
import { type Category, meanCharge } from './merchants.ts'
import { cumulative } from './rng.ts'
import type { Archetype } from './types.ts'

export interface ArchetypeSpec {
  /** Mean card purchases per day across all of a person's cards at their main bank. */
  purchasesPerDay: number
  categories: readonly Category[]
  cumulativeWeights: readonly number[]
  /** Mean charge of the category mix, in cents (for budgeting income). */
  meanCharge: number
  payday: 'semimonthly' | 'monthly' | 'pension'
  housing: { kind: 'rent' | 'mortgage'; chance: number; minDollars: number; maxDollars: number }
  savingsChance: number
  creditChance: number
  savingsMedianDollars: number
  creditLimitsDollars: readonly number[]
  /** Chance that an in-store purchase happens away from home. */
  awayChance: number
}

type Mix = readonly (readonly [Category, number])[]

function spec(
  mix: Mix,
  rest: Omit<ArchetypeSpec, 'categories' | 'cumulativeWeights' | 'meanCharge'>,
): ArchetypeSpec {
  const total = mix.reduce((sum, [, w]) => sum + w, 0)
  return {
    ...rest,
    categories: mix.map(([c]) => c),
    cumulativeWeights: cumulative(mix.map(([, w]) => w)),
    meanCharge: mix.reduce((sum, [c, w]) => sum + meanCharge(c) * w, 0) / total,
  }
}

export const archetypes: Record<Archetype, ArchetypeSpec> = {
  student: spec(
    [
      [m.fastFood, 20],
      [m.restaurants, 7],
      [m.grocery, 10],
      [m.transit, 12],
      [m.rideshare, 5],
      [m.books, 5],
      [m.bars, 6],
      [m.digitalGoods, 6],
      [m.miscRetail, 6],
      [m.clothing, 5],
      [m.electronics, 1.5],
      [m.cinema, 4],
      [m.pharmacy, 2],
      [m.atm, 3],
      [m.departmentStores, 2],
      [m.donations, 0.3],
    ],
    {
      purchasesPerDay: 2.2,
      payday: 'monthly',
      housing: { kind: 'rent', chance: 0.7, minDollars: 650, maxDollars: 1200 },
      savingsChance: 0.35,
      creditChance: 0.3,
      savingsMedianDollars: 800,
      creditLimitsDollars: [500, 1000, 1500],
      awayChance: 0.04,
    },
  ),
  family: spec(
    [
      [m.grocery, 24],
      [m.restaurants, 8],
      [m.fastFood, 10],
      [m.fuel, 12],
      [m.departmentStores, 7],
      [m.pharmacy, 6],
      [m.clothing, 6],
      [m.homeImprovement, 5],
      [m.miscRetail, 5],
      [m.electronics, 1.5],
      [m.cinema, 2],
      [m.atm, 3],
      [m.books, 2],
      [m.parking, 1],
      [m.digitalGoods, 1],
      [m.donations, 0.5],
    ],
    {
      purchasesPerDay: 3.2,
      payday: 'semimonthly',
      housing: { kind: 'mortgage', chance: 0.85, minDollars: 1400, maxDollars: 3200 },
      savingsChance: 0.8,
      creditChance: 0.7,
      savingsMedianDollars: 9000,
      creditLimitsDollars: [3000, 5000, 8000, 12000],
      awayChance: 0.03,
    },
  ),
  commuter: spec(
    [
      [m.fastFood, 16],
      [m.transit, 14],
      [m.parking, 6],
      [m.fuel, 8],
      [m.grocery, 12],
      [m.restaurants, 10],
      [m.bars, 5],
      [m.rideshare, 5],
      [m.miscRetail, 4],
      [m.pharmacy, 3],
      [m.clothing, 3],
      [m.electronics, 1.5],
      [m.atm, 3],
      [m.departmentStores, 2],
      [m.books, 2],
      [m.cinema, 2],
    ],
    {
      purchasesPerDay: 2.8,
      payday: 'semimonthly',
      housing: { kind: 'rent', chance: 0.9, minDollars: 1100, maxDollars: 2500 },
      savingsChance: 0.6,
      creditChance: 0.65,
      savingsMedianDollars: 5000,
      creditLimitsDollars: [2000, 4000, 6000, 10000],
      awayChance: 0.05,
    },
  ),
  retiree: spec(
    [
      [m.grocery, 26],
      [m.pharmacy, 12],
      [m.restaurants, 10],
      [m.fuel, 8],
      [m.departmentStores, 8],
      [m.homeImprovement, 4],
      [m.books, 4],
      [m.miscRetail, 5],
      [m.fastFood, 5],
      [m.atm, 5],
      [m.donations, 2],
      [m.cinema, 2],
      [m.clothing, 3],
    ],
    {
      purchasesPerDay: 1.5,
      payday: 'pension',
      housing: { kind: 'rent', chance: 0.4, minDollars: 800, maxDollars: 1600 },
      savingsChance: 0.85,
      creditChance: 0.5,
      savingsMedianDollars: 25000,
      creditLimitsDollars: [2000, 5000, 8000],
      awayChance: 0.06,
    },
  ),
  traveller: spec(
    [
      [m.restaurants, 14],
      [m.airlines, 2],
      [m.hotels, 3],
      [m.rideshare, 10],
      [m.fastFood, 12],
      [m.bars, 6],
      [m.grocery, 8],
      [m.transit, 6],
      [m.miscRetail, 5],
      [m.clothing, 4],
      [m.electronics, 1.5],
      [m.parking, 3],
      [m.fuel, 3],
      [m.atm, 4],
      [m.cinema, 2],
    ],
    {
      purchasesPerDay: 2.6,
      payday: 'monthly',
      housing: { kind: 'rent', chance: 0.8, minDollars: 1300, maxDollars: 2800 },
      savingsChance: 0.6,
      creditChance: 0.9,
      savingsMedianDollars: 7000,
      creditLimitsDollars: [5000, 10000, 15000, 25000],
      awayChance: 0.25,
    },
  ),
}

export const archetypeNames: readonly Archetype[] = ['student', 'family', 'commuter', 'retiree', 'traveller']
export const archetypeWeights = cumulative([15, 30, 30, 12, 13])
