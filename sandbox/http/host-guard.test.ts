import { describe, expect, test } from 'vitest'
import { hostCheck, hostName, isLoopbackName } from './host-guard.ts'

describe('the Host a sandbox answers to', () => {
  test('on loopback without an admin key: loopback names only, with any port', () => {
    const serves = hostCheck({ bindHost: '127.0.0.1', adminKey: null })
    if (!serves) throw new Error('a local sandbox checks Host')
    for (const host of [
      '127.0.0.1:4545',
      '127.0.0.1',
      'localhost:80',
      'LocalHost',
      '[::1]:4545',
      '127.1.2.3:9',
    ])
      expect(serves(host), host).toBe(true)
    for (const host of [
      'evil.example',
      'evil.example:4545',
      '127.evil.example',
      'localhost.evil.example',
      '[::2]:1',
      '',
    ])
      expect(serves(host), host).toBe(false)
    expect(serves(undefined)).toBe(false)
  })

  test('with an admin key, or bound beyond loopback, any Host is served: the key guards it', () => {
    expect(hostCheck({ bindHost: '127.0.0.1', adminKey: 'k' })).toBeNull()
    expect(hostCheck({ bindHost: '0.0.0.0', adminKey: 'k' })).toBeNull()
    expect(hostCheck({ bindHost: '10.0.0.5', adminKey: null })).toBeNull()
  })

  test('loopback is judged by address, never by a prefix', () => {
    expect(isLoopbackName('127.0.0.1')).toBe(true)
    expect(isLoopbackName('::1')).toBe(true)
    expect(isLoopbackName('127.example.com')).toBe(false)
    expect(hostName('[::1]:4545')).toBe('::1')
    expect(hostName('localhost:4545')).toBe('localhost')
  })
})
