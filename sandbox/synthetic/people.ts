// People: faker-made names and street addresses, reseeded per person from
// (seed, kind, index) so person k never depends on persons 0..k-1. The city, phone
// and archetype come from the cheap traits, which transactions share.
import type { Faker } from '@faker-js/faker'
import { faker as enUS } from '@faker-js/faker/locale/en_US'
import type { WorldContext } from './context.ts'
import { platformUserId } from './ids.ts'
import { memberBanks } from './membership.ts'
import { hash, Kind, Rng } from './rng.ts'
import { homeCityOf, personTraits } from './traits.ts'
import type { Person } from './types.ts'

const TWO_32 = 4_294_967_296

/**
 * A fresh Faker for one world: the equivalent of `new Faker({ locale: [en_US, en, base] })`
 * (rawDefinitions is exactly that chain, merged). It is built from the en_US entry point
 * because the package's main entry instantiates every locale, which costs ~35 MB of
 * memory and a third of a second at start-up. The shared `enUS` instance is never used
 * to generate anything.
 */
export function createFaker(): Faker {
  const FakerClass = enUS.constructor as new (options: { locale: Faker['rawDefinitions'] }) => Faker
  return new FakerClass({ locale: enUS.rawDefinitions })
}

export function generatePerson(faker: Faker, ctx: WorldContext, index: number): Person {
  const traits = personTraits(ctx.seed, index)
  const city = homeCityOf(traits)
  faker.seed([ctx.seed >>> 0, Math.floor(ctx.seed / TWO_32) >>> 0, Kind.person, index])
  const firstName = faker.person.firstName()
  const lastName = faker.person.lastName()
  // exampleEmail only uses the reserved example.com/.net/.org domains (RFC 2606).
  const email = faker.internet.exampleEmail({ firstName, lastName }).toLowerCase()
  const line1 = faker.location.streetAddress()
  const rng = new Rng(hash(ctx.seed, Kind.person, index))
  const two = (n: number) => String(n).padStart(2, '0')
  return {
    index,
    platformUserId: platformUserId(index),
    firstName,
    lastName,
    name: `${firstName} ${lastName}`,
    email,
    // 555-0100..0199 is the range reserved for fiction.
    phone: `+1-${city.areaCode}-555-01${two(rng.int(0, 99))}`,
    address: {
      line1,
      city: city.name,
      state: city.state,
      postalCode: `${city.zip3}${two(rng.int(1, 99))}`,
      country: 'US',
    },
    archetype: traits.archetype,
    bankIds: memberBanks(ctx, index),
  }
}
