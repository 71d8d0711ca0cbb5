import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import type { Deps } from '../deps.ts'
import { requestHeader } from '../http/header.ts'
import { bearerSecurity, json, problemResponses } from '../http/openapi.ts'
import { problems } from '../http/problem.ts'
import { validationHook } from '../http/validate.ts'
import { checkPageToken } from './send.ts'
import { integrationTakes, passToInbox } from './thread-control.ts'
import { PassThreadControl, TakeThreadControl, ThreadControlDone } from './thread-schemas.ts'
import { personOfUser } from './users.ts'

// Conversation routing on the Send API's side: the integration hands a conversation to
// the page's human inbox, or takes it back before the inbox is done.

const tags = ['Platform']
const pass = createRoute({
  method: 'post',
  path: '/platform/v1/pass_thread_control',
  tags,
  security: bearerSecurity,
  summary: 'Hand the conversation to the page’s human inbox (target_app_id "inbox")',
  description:
    'From now on the integration receives the user’s messages as `standby` entries and may not write to them (403 thread_owned) until the inbox passes the thread back with a `messaging_handovers` event.',
  request: { body: { content: { 'application/json': { schema: PassThreadControl } }, required: true } },
  responses: { 200: json(ThreadControlDone, 'Handed over'), ...problemResponses(400, 401, 404) },
})
const take = createRoute({
  method: 'post',
  path: '/platform/v1/take_thread_control',
  tags,
  security: bearerSecurity,
  summary: 'Take the conversation back from the inbox before it is done',
  request: { body: { content: { 'application/json': { schema: TakeThreadControl } }, required: true } },
  responses: { 200: json(ThreadControlDone, 'Taken'), ...problemResponses(400, 401, 404) },
})

export function threadRoutes(deps: Deps) {
  const app = new OpenAPIHono({ defaultHook: validationHook })
  app.use('/platform/v1/*', async (c, next) => {
    checkPageToken(deps, requestHeader(c, 'authorization'))
    await next()
  })
  const userOf = (userId: string) => {
    if (!personOfUser(deps, userId)) throw problems.notFound('No such user on the platform.')
    return userId
  }
  app.openapi(pass, (c) => {
    passToInbox(deps, userOf(c.req.valid('json').recipient.id))
    return c.json({ success: true } as const, 200)
  })
  app.openapi(take, (c) => {
    integrationTakes(deps, userOf(c.req.valid('json').recipient.id))
    return c.json({ success: true } as const, 200)
  })
  return app
}
