import { expect, test } from 'vitest'
import { PROVIDERS } from '../vocabulary.ts'
import { pactFile, useVerificationSandbox } from './support.ts'
import { verifySandbox } from './verify-sandbox.ts'

// Message pacts: each webhook is built by the sandbox's own payload builders from the
// records the provider states created, and must have been queued by the sandbox.

const sandbox = useVerificationSandbox()

test('the sandbox sends the bank webhooks the reference integration expects', async () => {
  const result = await verifySandbox(sandbox.current, { pactUrls: [pactFile(PROVIDERS.webhooks)] })
  expect(result.problems).toEqual([])
  expect(result.passed).toBe(true)
})
