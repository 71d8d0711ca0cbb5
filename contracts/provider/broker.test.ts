import { afterAll, beforeAll, expect, test } from 'vitest'
import { PROVIDERS } from '../vocabulary.ts'
import { type StubBroker, startStubBroker } from './stub-broker.ts'
import { pactFile, useVerificationSandbox } from './support.ts'
import { verifySandbox } from './verify-sandbox.ts'

// `bank-sandbox verify --broker-url …` end to end against a stub broker: pacts are
// fetched by consumer-version selectors, one query per provider, and the results are
// published when asked.

const sandbox = useVerificationSandbox()
let broker: StubBroker

beforeAll(async () => {
  broker = await startStubBroker({
    [PROVIDERS.platform]: pactFile(PROVIDERS.platform),
    [PROVIDERS.webhooks]: pactFile(PROVIDERS.webhooks),
  })
})
afterAll(() => broker.close())

test('pacts come from the broker by selectors, and the results go back to it', async () => {
  const selectors = [{ mainBranch: true }, { deployedOrReleased: true }]
  const result = await verifySandbox(
    sandbox.current,
    {
      broker: {
        url: broker.url,
        providers: [PROVIDERS.platform, PROVIDERS.webhooks],
        consumerVersionSelectors: selectors,
      },
      publish: { providerVersion: '0.1.0+test' },
    },
    () => {},
  )
  expect(result).toEqual({ passed: true, problems: [], publication: [] })
  expect(broker.queries.map((q) => q.provider)).toEqual([PROVIDERS.platform, PROVIDERS.webhooks])
  expect(broker.queries[0]?.body.consumerVersionSelectors).toEqual(selectors)
  expect(broker.results.map((r) => [r.pact, r.body.success, r.body.providerApplicationVersion])).toEqual([
    [PROVIDERS.platform, true, '0.1.0+test'],
    [PROVIDERS.webhooks, true, '0.1.0+test'],
  ])
})
