import { describe, expect, test } from 'vitest'
import { pactChanges } from './pact-files.ts'

describe('pactChanges', () => {
  const committed = new Map([
    ['a.json', '{"interactions":[1]}'],
    ['b.json', '{"interactions":[2]}'],
  ])

  test('identical files are no change', () => {
    expect(pactChanges(committed, new Map(committed))).toEqual([])
  })

  test('a changed, a new and a vanished file are each reported', () => {
    const regenerated = new Map([
      ['a.json', '{"interactions":[1,3]}'],
      ['c.json', '{}'],
    ])
    expect(pactChanges(committed, regenerated)).toEqual([
      'a.json changed',
      'b.json is no longer produced',
      'c.json is new',
    ])
  })
})
