import { z } from '@hono/zod-openapi'
import { DeliveryAttempt } from '../webhooks/deliver.ts'
import { QuickReplies } from './quick-replies.ts'

// Wire shapes of the platform simulation: the Send API (Messenger-style, snake_case
// answers) and the control API's view of a user's chat (camelCase).

export const MAX_TEXT_CHARS = 2000

/** Chat text: not blank, at most 2000 characters (code points, not UTF-16 units). */
export const ChatText = z
  .string()
  .max(4 * MAX_TEXT_CHARS, { message: `At most ${MAX_TEXT_CHARS} characters`, abort: true })
  .refine((text) => text.trim().length > 0, 'Must not be empty')
  .refine((text) => [...text].length <= MAX_TEXT_CHARS, `At most ${MAX_TEXT_CHARS} characters`)
  .openapi({
    description: `Not blank; at most ${MAX_TEXT_CHARS} characters`,
    minLength: 1,
    maxLength: MAX_TEXT_CHARS,
  })

const UserId = z.string().max(100).openapi({ example: 'usr_00000' })

/** Messenger's opt-in request: the user is asked to allow notification messages. */
export const OptinRequest = z
  .object({
    type: z.literal('template'),
    payload: z.object({
      template_type: z.literal('notification_messages'),
      title: ChatText.refine((title) => [...title].length <= 65, 'At most 65 characters'),
      payload: z.string().max(1000).default(''),
      notification_messages_frequency: z.string().max(40).optional(),
    }),
  })
  .openapi('PlatformOptinRequest')

export const SendRequest = z
  .object({
    recipient: z
      .object({
        id: UserId.optional(),
        notification_messages_token: z
          .string()
          .max(200)
          .optional()
          .openapi({ description: 'Instead of id: a token from a messaging_optins event' }),
      })
      .refine((r) => (r.id === undefined) !== (r.notification_messages_token === undefined), {
        message: 'Give id or notification_messages_token, not both',
        path: ['id'],
      }),
    message: z
      .object({
        text: ChatText.optional(),
        attachment: OptinRequest.optional(),
        quick_replies: QuickReplies.optional().openapi({
          description: 'At most 13; titles at most 20 characters; with text only',
        }),
      })
      .refine((m) => (m.text === undefined) !== (m.attachment === undefined), {
        message: 'Give text or attachment, not both',
        path: ['text'],
      }),
    messaging_type: z
      .enum(['RESPONSE', 'UPDATE', 'MESSAGE_TAG'])
      .optional()
      .openapi({ description: 'Default RESPONSE; MESSAGE_TAG needs a tag' }),
    tag: z
      .string()
      .max(100)
      .optional()
      .openapi({ description: 'With MESSAGE_TAG; HUMAN_AGENT is the inbox’s alone' }),
  })
  .openapi('PlatformSendRequest')
export type SendRequest = z.infer<typeof SendRequest>

export const SendResponse = z
  .object({ recipient_id: z.string(), message_id: z.string().openapi({ example: 'mid_00002a' }) })
  .openapi('PlatformSendResponse')

export const UserParams = z.object({ userId: UserId })

export const ChatMessage = z
  .object({
    mid: z.string(),
    userId: z.string(),
    direction: z.enum(['to_user', 'from_user']),
    text: z.string(),
    quickReplies: z.array(z.object({ title: z.string(), payload: z.string() })).optional(),
    quickReplyPayload: z
      .string()
      .optional()
      .openapi({ description: 'The payload of the quick reply the user tapped' }),
    appId: z
      .literal('inbox')
      .optional()
      .openapi({ description: 'Written by the page’s human inbox (its agent), not the integration' }),
    template: z
      .literal('notification_messages')
      .optional()
      .openapi({ description: 'An opt-in request; the text is its title' }),
    at: z.string().openapi({ description: 'Simulation time, ISO 8601 UTC' }),
    wallAt: z.string().optional().openapi({ description: 'Wall-clock time the line was written' }),
  })
  .openapi('ChatMessage')

export const LinkTap = z
  .object({
    mid: z.string().openapi({ description: 'The message whose authorize link was tapped' }),
    userId: z.string(),
    bankId: z.string(),
    at: z.string(),
    outcome: z.enum(['pending', 'linked', 'denied', 'refused', 'callback_failed']),
    error: z
      .string()
      .nullable()
      .openapi({ description: 'OAuth error sent to the redirect_uri, or why the bank refused' }),
    consentId: z.string().nullable(),
    status: z.number().int().nullable().openapi({ description: 'HTTP status the redirect_uri answered' }),
    callbackError: z.string().nullable(),
  })
  .openapi('LinkTap')

export const InboundDelivery = z
  .object({
    mid: z.string(),
    userId: z.string(),
    status: z.enum(['pending', 'delivered', 'failed', 'held']),
    attempts: z.array(DeliveryAttempt),
  })
  .openapi('PlatformDelivery')

export const UserChat = z
  .object({
    data: z.array(ChatMessage).openapi({ description: 'What the user saw and typed, oldest first' }),
    links: z.array(LinkTap).openapi({ description: 'Authorize links the user tapped, oldest first' }),
    deliveries: z
      .array(InboundDelivery)
      .openapi({ description: 'How each typed message reached the integration' }),
  })
  .openapi('UserChat')

export const UserSays = z.object({ text: ChatText }).openapi('UserSays')
export const UserSaid = z
  .object({ mid: z.string(), delivery: z.enum(['pending', 'held']) })
  .openapi('UserSaid')

export const LinkBehaviour = z
  .object({
    behaviour: z.enum(['approve', 'deny', 'ignore']).openapi({
      description: 'approve as their own customer (default) · deny (error=access_denied) · ignore the link',
    }),
  })
  .openapi('LinkBehaviour')
