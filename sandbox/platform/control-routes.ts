import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import type { Deps } from '../deps.ts'
import { json, problemResponses } from '../http/openapi.ts'
import { problems } from '../http/problem.ts'
import { validationHook } from '../http/validate.ts'
import { LinkBehaviour, UserChat, UserParams, UserSaid, UserSays } from './schemas.ts'
import { userSays } from './user-says.ts'
import { personOfUser } from './users.ts'

// Control API for the chat: type as a user, read what they saw, and choose
// how they answer authorize links.

const tags = ['Control: platform']
const path = '/sandbox/platform/users/{userId}'
const say = createRoute({
  method: 'post',
  path: `${path}/messages`,
  tags,
  summary: 'Type as a user; the message is delivered to the integration in the background',
  request: {
    params: UserParams,
    body: { content: { 'application/json': { schema: UserSays } }, required: true },
  },
  responses: {
    202: json(UserSaid, 'Stored; delivery under way (or held: no integration)'),
    ...problemResponses(400, 404),
  },
})
const read = createRoute({
  method: 'get',
  path: `${path}/messages`,
  tags,
  summary: 'What the user saw and typed, the links they tapped, and how their messages were delivered',
  request: { params: UserParams },
  responses: { 200: json(UserChat, 'The chat, oldest first'), ...problemResponses(404) },
})
const setBehaviour = createRoute({
  method: 'put',
  path: `${path}/link-behaviour`,
  tags,
  summary: 'How the user answers authorize links from now on (default approve)',
  request: {
    params: UserParams,
    body: { content: { 'application/json': { schema: LinkBehaviour } }, required: true },
  },
  responses: { 200: json(LinkBehaviour, 'The behaviour now in force'), ...problemResponses(400, 404) },
})
const getBehaviour = createRoute({
  method: 'get',
  path: `${path}/link-behaviour`,
  tags,
  request: { params: UserParams },
  responses: { 200: json(LinkBehaviour, 'The behaviour in force'), ...problemResponses(404) },
})

export function platformControlRoutes(deps: Deps) {
  const app = new OpenAPIHono({ defaultHook: validationHook })
  const userOf = (userId: string) => {
    if (!personOfUser(deps, userId)) throw problems.notFound('No such user on the platform.')
    return userId
  }

  app.openapi(say, (c) => {
    const userId = userOf(c.req.valid('param').userId)
    const delivery = userSays(deps, userId, c.req.valid('json').text)
    return c.json(
      { mid: delivery.mid, delivery: delivery.status === 'held' ? 'held' : 'pending' } as const,
      202,
    )
  })

  app.openapi(read, (c) => {
    const userId = userOf(c.req.valid('param').userId)
    const deliveries = [...deps.state.inbound.values()].filter((d) => d.userId === userId)
    return c.json(
      {
        data: [...(deps.state.chats.get(userId) ?? [])],
        links: [...(deps.state.taps.get(userId) ?? [])],
        deliveries,
      },
      200,
    )
  })

  app.openapi(setBehaviour, (c) => {
    const userId = userOf(c.req.valid('param').userId)
    const { behaviour } = c.req.valid('json')
    deps.state.linkBehaviour.set(userId, behaviour)
    return c.json({ behaviour }, 200)
  })

  app.openapi(getBehaviour, (c) => {
    const userId = userOf(c.req.valid('param').userId)
    return c.json({ behaviour: deps.state.linkBehaviour.get(userId) ?? 'approve' }, 200)
  })

  return app
}
