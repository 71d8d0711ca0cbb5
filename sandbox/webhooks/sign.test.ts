import { Webhook } from 'standardwebhooks'
import { describe, expect, test } from 'vitest'
import { createCredentials } from '../credentials.ts'
import { signWebhook } from './sign.ts'

const secret = createCredentials(42, ['harbor']).banks.harbor?.webhookSecret ?? ''
const body = JSON.stringify({
  type: 'consent.revoked',
  timestamp: '2026-06-15T12:00:00.000Z',
  data: { bankId: 'harbor' },
})

describe('Standard Webhooks signatures', () => {
  test('the official standardwebhooks library verifies what the sandbox signs', () => {
    const headers = signWebhook([secret], 'evt_000001', Date.now(), body)
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body))
  })

  test('matches the library’s own signature byte for byte', () => {
    const at = Date.parse('2026-06-15T12:00:00Z')
    expect(signWebhook([secret], 'evt_1', at, body)['webhook-signature']).toBe(
      new Webhook(secret).sign('evt_1', new Date(at), body),
    )
  })

  test.each([
    ['a changed body', (h: Record<string, string>) => ({ h, b: body.replace('harbor', 'harb0r') })],
    ['a changed id', (h: Record<string, string>) => ({ h: { ...h, 'webhook-id': 'evt_000002' }, b: body })],
    [
      'a changed timestamp',
      (h: Record<string, string>) => ({
        h: { ...h, 'webhook-timestamp': String(Number(h['webhook-timestamp']) + 1) },
        b: body,
      }),
    ],
  ])('verification fails on %s', (_name, tamper) => {
    const { h, b } = tamper({ ...signWebhook([secret], 'evt_000001', Date.now(), body) })
    expect(() => new Webhook(secret).verify(b, h)).toThrow()
  })

  test('a timestamp more than 5 minutes off fails verification, within it passes', () => {
    const wh = new Webhook(secret)
    expect(() =>
      wh.verify(body, { ...signWebhook([secret], 'evt_1', Date.now() - 6 * 60_000, body) }),
    ).toThrow(/timestamp/i)
    expect(() =>
      wh.verify(body, { ...signWebhook([secret], 'evt_1', Date.now() + 6 * 60_000, body) }),
    ).toThrow(/timestamp/i)
    expect(() =>
      wh.verify(body, { ...signWebhook([secret], 'evt_1', Date.now() - 4 * 60_000, body) }),
    ).not.toThrow()
  })

  test('during a rotation both the new and the previous secret verify', () => {
    const next = createCredentials(43, ['harbor']).banks.harbor?.webhookSecret ?? ''
    const headers = { ...signWebhook([next, secret], 'evt_1', Date.now(), body) }
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2)
    expect(() => new Webhook(secret).verify(body, headers)).not.toThrow()
    expect(() => new Webhook(next).verify(body, headers)).not.toThrow()
    const other = createCredentials(44, ['harbor']).banks.harbor?.webhookSecret ?? ''
    expect(() => new Webhook(other).verify(body, headers)).toThrow()
  })
})
