import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import type { Deps } from '../deps.ts'
import { requestHeader } from '../http/header.ts'
import { bearerSecurity, json, problemResponses } from '../http/openapi.ts'
import { validationHook } from '../http/validate.ts'
import { SendRequest, SendResponse } from './schemas.ts'
import { checkPageToken } from './send.ts'
import { sendMessage as sendOne } from './send-message.ts'

// The messaging platform's Send API, as a Messenger-style bot calls it.

const sendMessage = createRoute({
  method: 'post',
  path: '/platform/v1/messages',
  tags: ['Platform'],
  security: bearerSecurity,
  summary: 'Send a text message, or an opt-in request, to a user (Authorization: Bearer <pageToken>)',
  description:
    'A message containing an authorize link (path /banks/{bankId}/oauth/authorize) is tapped by the simulated user right after this call answers. An opt-in request (attachment template notification_messages) is allowed by the user, who sends a messaging_optins event with a token. Refused with outside_window (window policy, more than 24 h since the user wrote, no usable token), thread_owned (the inbox owns the thread) or tag_not_allowed (HUMAN_AGENT).',
  request: { body: { content: { 'application/json': { schema: SendRequest } }, required: true } },
  responses: { 200: json(SendResponse, 'Sent'), ...problemResponses(400, 401, 403, 404, 413) },
})

export function sendApiRoutes(deps: Deps) {
  const app = new OpenAPIHono({ defaultHook: validationHook })
  // The token is checked before the body, so a caller without it learns nothing else.
  app.use('/platform/v1/*', async (c, next) => {
    checkPageToken(deps, requestHeader(c, 'authorization'))
    await next()
  })
  app.openapi(sendMessage, (c) => {
    const sent = sendOne(c, deps, c.req.valid('json'))
    return c.json({ recipient_id: sent.userId, message_id: sent.mid }, 200)
  })
  return app
}
