import { createRoute, OpenAPIHono, type z } from '@hono/zod-openapi'
import type { Deps } from '../deps.ts'
import { json, problemResponses } from '../http/openapi.ts'
import { Problem, problems } from '../http/problem.ts'
import { validationHook } from '../http/validate.ts'
import { toIso } from '../time/clock.ts'
import { agentWrites } from './agent-lines.ts'
import { conversationOf, HUMAN_AGENT_MS, windowOpen } from './conversations.ts'
import { optinsOf, stopNotifications } from './optins.ts'
import { defaultPolicy, platformPolicy, setPlatformPolicy } from './policy.ts'
import { UserParams } from './schemas.ts'
import { inboxHandsBack, inboxTakes } from './thread-control.ts'
import { AgentSays, Conversation, InboxHandover, PolicyChoice, PolicyState } from './thread-schemas.ts'
import { personOfUser } from './users.ts'

// Control API for the platform's rules: the policy in force, a user's conversation (its
// window, owner and opt-in tokens), the user stopping notifications, and the page's
// human inbox, so a person (on the dashboard) can play the agent: take, type, hand back.

const tags = ['Control: platform']
const user = '/sandbox/platform/users/{userId}'
const route = <M extends 'get' | 'put' | 'post'>(method: M, path: string, summary: string) =>
  ({ method, path, tags, summary }) as const

const getPolicy = createRoute({
  ...route('get', '/sandbox/platform/policy', 'The messaging policy in force (open or window)'),
  responses: { 200: json(PolicyState, 'The policy') },
})
const putPolicy = createRoute({
  ...route(
    'put',
    '/sandbox/platform/policy',
    'Choose the messaging policy for this world (null: the server’s default)',
  ),
  request: { body: { content: { 'application/json': { schema: PolicyChoice } }, required: true } },
  responses: { 200: json(PolicyState, 'The policy now in force'), ...problemResponses(400) },
})
const getConversation = createRoute({
  ...route('get', `${user}/conversation`, 'The user’s window, thread owner and opt-in tokens'),
  request: { params: UserParams },
  responses: { 200: json(Conversation, 'The conversation'), ...problemResponses(404) },
})
const stop = createRoute({
  ...route('post', `${user}/optins/stop`, 'The user stops notification messages: every token they granted'),
  request: { params: UserParams },
  responses: { 200: json(Conversation, 'The conversation'), ...problemResponses(404) },
})
const take = createRoute({
  ...route('post', `${user}/inbox/take`, 'The inbox takes the thread: a person plays the agent'),
  request: {
    params: UserParams,
    body: { content: { 'application/json': { schema: InboxHandover } }, required: false },
  },
  responses: { 200: json(Conversation, 'The conversation'), ...problemResponses(400, 404) },
})
const say = createRoute({
  ...route(
    'post',
    `${user}/inbox/messages`,
    'Type as the human agent (HUMAN_AGENT: within 7 days of the user’s last message)',
  ),
  request: {
    params: UserParams,
    body: { content: { 'application/json': { schema: AgentSays } }, required: true },
  },
  responses: { 200: json(Conversation, 'Written'), ...problemResponses(400, 403, 404) },
})
const handBack = createRoute({
  ...route('post', `${user}/inbox/handback`, 'The inbox passes the thread back to the integration'),
  request: {
    params: UserParams,
    body: { content: { 'application/json': { schema: InboxHandover } }, required: false },
  },
  responses: { 200: json(Conversation, 'The conversation'), ...problemResponses(400, 404) },
})

export function inboxRoutes(deps: Deps) {
  const app = new OpenAPIHono({ defaultHook: validationHook })
  const userOf = (userId: string) => {
    if (!personOfUser(deps, userId)) throw problems.notFound('No such user on the platform.')
    return userId
  }
  const policyState = () => ({ policy: platformPolicy(deps), default: defaultPolicy(deps) })
  const view = (userId: string): z.infer<typeof Conversation> => {
    const conversation = conversationOf(deps, userId)
    const last = conversation.lastUserMessageAtMs
    return {
      userId,
      owner: conversation.owner,
      agent: conversation.agent,
      lastUserMessageAt: last === null ? null : toIso(last),
      windowOpen: windowOpen(deps, userId),
      policy: platformPolicy(deps),
      optins: optinsOf(deps, userId).map((o) => ({
        token: o.token,
        payload: o.payload,
        grantedAt: toIso(o.grantedAtMs),
        expiresAt: toIso(o.expiresAtMs),
        stoppedAt: o.stoppedAtMs === null ? null : toIso(o.stoppedAtMs),
      })),
    }
  }
  /** The optional body's metadata: the body may be left out. */
  const metadataOf = (body: { metadata?: string } | undefined) => body?.metadata ?? ''

  app.openapi(getPolicy, (c) => c.json(policyState(), 200))
  app.openapi(putPolicy, (c) => {
    setPlatformPolicy(deps, c.req.valid('json').policy)
    return c.json(policyState(), 200)
  })
  app.openapi(getConversation, (c) => c.json(view(userOf(c.req.valid('param').userId)), 200))
  app.openapi(stop, (c) => {
    const userId = userOf(c.req.valid('param').userId)
    stopNotifications(deps, userId)
    return c.json(view(userId), 200)
  })
  app.openapi(take, (c) => {
    const userId = userOf(c.req.valid('param').userId)
    inboxTakes(deps, userId, metadataOf(c.req.valid('json')))
    return c.json(view(userId), 200)
  })
  app.openapi(say, (c) => {
    const userId = userOf(c.req.valid('param').userId)
    const conversation = conversationOf(deps, userId)
    if (conversation.owner !== 'inbox')
      throw new Problem('thread_owned', 'The integration owns this conversation: take the thread first.')
    const last = conversation.lastUserMessageAtMs
    if (last === null || deps.clock.now() - last > HUMAN_AGENT_MS)
      throw new Problem(
        'outside_window',
        'HUMAN_AGENT answers only within 7 days of the user’s last message.',
      )
    agentWrites(deps, userId, c.req.valid('json').text)
    return c.json(view(userId), 200)
  })
  app.openapi(handBack, (c) => {
    const userId = userOf(c.req.valid('param').userId)
    inboxHandsBack(deps, userId, metadataOf(c.req.valid('json')))
    return c.json(view(userId), 200)
  })
  return app
}
