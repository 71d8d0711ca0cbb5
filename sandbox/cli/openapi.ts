import { createClock } from '../time/clock.ts'
import { GENERATE_DEFAULT_NOW } from './generate.ts'

// `bank-sandbox openapi`: the OpenAPI document of a sandbox built for the purpose, at a
// fixed instant, so it is the same bytes every time.

export async function openapiDocument() {
  const { createDeps } = await import('../deps.ts')
  const { createApp, openApiDocument } = await import('../serving/app.ts')
  const deps = createDeps({
    seed: 42,
    customers: 1,
    days: 1,
    clock: createClock({
      startMs: GENERATE_DEFAULT_NOW,
      mode: 'frozen',
      wallNow: () => GENERATE_DEFAULT_NOW,
    }),
  })
  return openApiDocument(createApp(deps))
}
