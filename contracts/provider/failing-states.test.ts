import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { stateName } from '../vocabulary.ts'
import { useVerificationSandbox } from './support.ts'
import { verifySandbox } from './verify-sandbox.ts'

// Pact JS 16 lets a verification pass when a state handler throws; ours must not.

const sandbox = useVerificationSandbox()

/** A one-interaction V3 pact in a temporary file. */
function pactWith(interaction: object, kind: 'interactions' | 'messages' = 'interactions'): string {
  const file = join(mkdtempSync(join(tmpdir(), 'pact-')), 'pact.json')
  const pact = {
    consumer: { name: 'failing-consumer' },
    provider: { name: 'bank-api' },
    [kind]: [interaction],
    metadata: { pactSpecification: { version: '3.0.0' } },
  }
  writeFileSync(file, JSON.stringify(pact))
  return file
}

test('a provider state that fails to set up fails the verification, and says why', async () => {
  const file = pactWith({
    description: 'a revocation with nothing to revoke',
    providerStates: [{ name: stateName('consentRevoked') }],
    request: { method: 'GET', path: '/health' },
    response: { status: 200 },
  })
  const result = await verifySandbox(sandbox.current, { pactUrls: [file] }, () => {})
  expect(result.passed).toBe(false)
  expect(result.problems).toEqual([
    'State "the consent is revoked": Needs "a linked customer[ at {bankId}][ with scopes {scopes}]" earlier in the interaction\'s states.',
  ])
})

test('a message whose states did not make the sandbox send it fails', async () => {
  const file = pactWith(
    {
      description: 'a consent.revoked webhook',
      providerStates: [{ name: stateName('linkedCustomer') }],
      contents: { type: 'consent.revoked' },
    },
    'messages',
  )
  const result = await verifySandbox(sandbox.current, { pactUrls: [file] }, () => {})
  expect(result.passed).toBe(false)
  expect(result.problems[0]).toMatch(/^consent\.revoked: The sandbox sent no such webhook in these states\./)
  expect(result.problems[0]).toContain('"the consent is revoked"')
})

test('a message that names no webhook type fails', async () => {
  const file = pactWith({ description: 'a surprise', contents: { type: 'x' } }, 'messages')
  const result = await verifySandbox(sandbox.current, { pactUrls: [file] }, () => {})
  expect(result.passed).toBe(false)
  expect(result.problems[0]).toContain('names no bank webhook type')
})
