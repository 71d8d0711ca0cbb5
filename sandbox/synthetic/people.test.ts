import { describe, expect, test } from 'vitest'
import { archetypeNames } from './archetypes.ts'
import { cities } from './cities.ts'
import { createWorld } from './world.ts'

describe('people', () => {
  const world = createWorld({
    seed: 11,
    customers: 300,
    bankIds: ['harbor', 'meridian', 'pinecrest'],
    startDay: 20000,
  })
  const people = Array.from({ length: 300 }, (_, i) => world.person(i)).filter((p) => p !== undefined)

  test('phone numbers are US numbers in the fictional 555-0100..0199 range', () => {
    for (const person of people) expect(person.phone).toMatch(/^\+1-[2-9]\d{2}-555-01\d{2}$/)
  })

  test('emails use only the reserved example domains', () => {
    for (const person of people) expect(person.email).toMatch(/^[a-z0-9._%+'-]+@example\.(com|net|org)$/)
  })

  test('addresses are complete US addresses in a known city', () => {
    const known = new Set(cities.map((c) => `${c.name}, ${c.state}`))
    for (const { address } of people) {
      expect(address.line1.length).toBeGreaterThan(3)
      expect(known.has(`${address.city}, ${address.state}`)).toBe(true)
      expect(address.postalCode).toMatch(/^\d{5}$/)
      expect(address.country).toBe('US')
    }
  })

  test('names, ids and archetypes are filled and every archetype occurs', () => {
    for (const person of people) {
      expect(person.name).toBe(`${person.firstName} ${person.lastName}`)
      expect(person.platformUserId).toBe(`usr_${person.index.toString(36).padStart(5, '0')}`)
      expect(person.bankIds.length).toBeGreaterThan(0)
    }
    expect(new Set(people.map((p) => p.archetype))).toEqual(new Set(archetypeNames))
  })
})
