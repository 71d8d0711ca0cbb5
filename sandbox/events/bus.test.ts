import { describe, expect, test } from 'vitest'
import { createTestSandbox } from '../../test/support/helpers.ts'
import { createBus, type SandboxEvent } from './bus.ts'

describe('the event bus', () => {
  test('a listener for some kinds hears only those; one for everything hears all', () => {
    const bus = createBus()
    const some: string[] = []
    const all: string[] = []
    const stopSome = bus.subscribe((event: SandboxEvent) => some.push(event.kind), ['scenario.started'])
    expect(bus.listening('scenario.started')).toBe(true)
    expect(bus.listening('journal')).toBe(false)
    bus.publish('journal', 'now', {})
    bus.publish('scenario.started', 'now', {})
    expect(some).toEqual(['scenario.started'])

    const stopAll = bus.subscribe((event) => all.push(event.kind))
    expect(bus.listening('journal')).toBe(true)
    bus.publish('journal', 'now', {})
    expect(all).toEqual(['journal'])
    expect(some).toEqual(['scenario.started'])

    stopAll()
    stopSome()
    expect(bus.listening('scenario.started')).toBe(false)
    expect(bus.listening('journal')).toBe(false)
    bus.publish('scenario.started', 'now', {})
    expect(some).toEqual(['scenario.started'])
  })

  test('with nobody watching the event stream, a bank call builds no event: the dashboard log hears only scenarios', () => {
    const sandbox = createTestSandbox({ customers: 5 })
    expect(sandbox.deps.bus.listening('journal')).toBe(false)
    expect(sandbox.deps.bus.listening('scenario.started')).toBe(true)
  })
})
