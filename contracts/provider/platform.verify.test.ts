import { expect, test } from 'vitest'
import { PROVIDERS } from '../vocabulary.ts'
import { pactFile, useVerificationSandbox } from './support.ts'
import { verifySandbox } from './verify-sandbox.ts'

const sandbox = useVerificationSandbox()

test('the sandbox honours the reference integration’s Send API pact', async () => {
  const result = await verifySandbox(sandbox.current, { pactUrls: [pactFile(PROVIDERS.platform)] })
  expect(result.problems).toEqual([])
  expect(result.passed).toBe(true)
})
