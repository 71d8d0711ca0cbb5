import { join } from 'node:path'
import { afterAll, beforeAll } from 'vitest'
import { CONSUMER, PACT_DIR } from '../vocabulary.ts'
import { startVerificationSandbox, type VerificationSandbox } from './harness.ts'

/** The committed pact between the reference integration and one of the sandbox's providers. */
export const pactFile = (provider: string) => join(PACT_DIR, `${CONSUMER}-${provider}.json`)

/** A verification sandbox for the file's tests, closed after them. */
export function useVerificationSandbox(): { readonly current: VerificationSandbox } {
  const holder: { current?: VerificationSandbox } = {}
  beforeAll(async () => {
    holder.current = await startVerificationSandbox()
  })
  afterAll(() => holder.current?.close())
  return {
    get current() {
      if (!holder.current) throw new Error('The verification sandbox is not running yet.')
      return holder.current
    },
  }
}
