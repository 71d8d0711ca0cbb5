import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { Deps } from '../deps.ts'
import { json, problemResponses } from '../http/openapi.ts'
import { problems } from '../http/problem.ts'
import { validationHook } from '../http/validate.ts'
import type { ChatMessage } from '../store/state.ts'

// Quick replies (Messenger's): the integration offers up to 13 buttons under a message;
// a simulated user who must choose taps the newest offered reply whose title contains what
// they are after (a merchant's name, a card's last4). The tap reaches the integration as
// a message whose text is the title, with `quick_reply: {payload}`.

export const MAX_QUICK_REPLIES = 13
export const MAX_QUICK_REPLY_TITLE = 20

export const QuickReply = z
  .object({
    content_type: z.literal('text'),
    title: z
      .string()
      .min(1)
      .refine(
        (title) => [...title].length <= MAX_QUICK_REPLY_TITLE,
        `At most ${MAX_QUICK_REPLY_TITLE} characters`,
      )
      .openapi({ maxLength: MAX_QUICK_REPLY_TITLE }),
    payload: z.string().min(1).max(1000),
  })
  .openapi('QuickReply')
export type QuickReply = z.infer<typeof QuickReply>

export const QuickReplies = z.array(QuickReply).min(1).max(MAX_QUICK_REPLIES)

/** The newest offered quick reply, in the user's chat, whose title contains `wanted` (any case). */
export function offeredReply(
  deps: Deps,
  userId: string,
  wanted: string,
): { title: string; payload: string } | undefined {
  const lines = deps.state.chats.get(userId) ?? []
  const needle = wanted.toLowerCase()
  for (let i = lines.length - 1; i >= 0; i--) {
    const line: ChatMessage | undefined = lines[i]
    const found = line?.quickReplies?.find((reply) => reply.title.toLowerCase().includes(needle))
    if (found) return found
  }
  return undefined
}

const Tap = z
  .object({
    title: z
      .string()
      .min(1)
      .max(100)
      .openapi({ description: 'A part of the title to tap', example: 'ZEPHYR' }),
  })
  .openapi('QuickReplyTap')
const Tapped = z
  .object({ mid: z.string(), title: z.string(), payload: z.string() })
  .openapi('QuickReplyTapped')

const tap = createRoute({
  method: 'post',
  path: '/sandbox/platform/users/{userId}/quick-replies/tap',
  tags: ['Control: platform'],
  summary: 'Tap, as the user, the newest offered quick reply whose title contains the given text',
  request: {
    params: z.object({ userId: z.string().max(100) }),
    body: { content: { 'application/json': { schema: Tap } }, required: true },
  },
  responses: { 202: json(Tapped, 'Tapped; delivery under way'), ...problemResponses(400, 404) },
})

/** `say` sends a user's message, with the tapped reply's payload. */
export function quickReplyRoutes(
  deps: Deps,
  say: (userId: string, text: string, quickReplyPayload: string) => { mid: string },
) {
  const app = new OpenAPIHono({ defaultHook: validationHook })
  app.openapi(tap, (c) => {
    const { userId } = c.req.valid('param')
    const reply = offeredReply(deps, userId, c.req.valid('json').title)
    if (!reply) throw problems.notFound('No quick reply offered to this user has such a title.')
    const { mid } = say(userId, reply.title, reply.payload)
    return c.json({ mid, title: reply.title, payload: reply.payload }, 202)
  })
  return app
}
