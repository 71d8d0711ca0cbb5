import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import { type Deps, keepCredentials } from '../deps.ts'
import { json, problemResponses } from '../http/openapi.ts'
import { problems } from '../http/problem.ts'
import { validationHook } from '../http/validate.ts'
import { attachIntegration } from '../serving/attach.ts'

// Attaching the integration under test: webhooks and user messages go to its URL, and
// OAuth redirect_uris must lie under it.

const Integration = z.object({ url: z.string().max(2000).nullable() }).openapi('Integration')

const attach = createRoute({
  method: 'put',
  path: '/sandbox/integration',
  tags: ['Control: integration'],
  summary:
    'Attach an integration: its base URL (http or https; loopback allowed locally; a shared sandbox resolves the host and refuses loopback, private, link-local and metadata addresses), `reference` or `faulty/<name>`',
  request: { body: { content: { 'application/json': { schema: Integration } }, required: true } },
  responses: { 200: json(Integration, 'The attached integration'), ...problemResponses(400) },
})
const read = createRoute({
  method: 'get',
  path: '/sandbox/integration',
  tags: ['Control: integration'],
  responses: { 200: json(Integration, 'The attached integration, or null') },
})
const rotate = createRoute({
  method: 'post',
  path: '/sandbox/banks/{bankId}/webhook-secret/rotate',
  tags: ['Control: integration'],
  summary: 'Rotate a bank’s webhook secret; deliveries are signed with the new and the previous one',
  request: { params: z.object({ bankId: z.string() }) },
  responses: {
    200: json(z.object({ webhookSecret: z.string(), previousWebhookSecret: z.string() }), 'The new secret'),
    ...problemResponses(404),
  },
})

export function integrationRoutes(deps: Deps) {
  const app = new OpenAPIHono({ defaultHook: validationHook })

  app.openapi(read, (c) => c.json({ url: deps.integrationUrl }, 200))

  app.openapi(attach, async (c) => {
    const url = await attachIntegration(deps, c.req.valid('json').url, new URL(c.req.url).origin)
    return c.json({ url }, 200)
  })

  app.openapi(rotate, (c) => {
    const { bankId } = c.req.valid('param')
    const bank = deps.credentials.banks[bankId]
    if (!bank) throw problems.notFound('No such bank.')
    const rotated = {
      webhookSecret: `whsec_${deps.ids.bytes().toString('base64')}`,
      previousWebhookSecret: bank.webhookSecret,
    }
    deps.credentials.banks[bankId] = rotated
    keepCredentials(deps)
    return c.json(rotated, 200)
  })

  return app
}
