import type { OpenAPIHono } from '@hono/zod-openapi'
import { z } from '@hono/zod-openapi'
import { HubSignatureHeaders } from '../webhooks/schemas.ts'

// What the platform posts to `{integration}/webhooks/platform` beside a user's message
// (DESIGN §13): the user's message in `standby` while the page's inbox owns the thread,
// `messaging_optins` when the user allows (or stops) notification messages, and
// `messaging_handovers` when the inbox takes the thread or passes it back.

const ms = (description: string) => z.number().int().openapi({ description })
const Sender = z.object({
  id: z.string().openapi({ description: 'The user’s platformUserId', example: 'usr_00001' }),
})
const Recipient = z.object({ id: z.string().openapi({ example: 'page_bank_sandbox' }) })
const Time = ms('Milliseconds since the epoch, simulation clock')

const pageEnvelope = <T extends z.ZodRawShape>(field: 'messaging' | 'standby', item: T, name: string) =>
  z
    .object({
      object: z.literal('page'),
      entry: z.array(
        z.object({
          id: z.string().openapi({ description: 'The page id', example: 'page_bank_sandbox' }),
          time: Time,
          [field]: z.array(z.object({ sender: Sender, recipient: Recipient, timestamp: Time, ...item })),
        }),
      ),
    })
    .openapi(name)

export const PlatformStandbyDelivery = pageEnvelope(
  'standby',
  { message: z.object({ mid: z.string(), text: z.string() }) },
  'PlatformStandbyDelivery',
)

export const PlatformOptinDelivery = pageEnvelope(
  'messaging',
  {
    optin: z.object({
      type: z.literal('notification_messages'),
      payload: z.string().openapi({ description: 'The payload of the opt-in request' }),
      notification_messages_token: z
        .string()
        .openapi({ description: 'Send to it as recipient.notification_messages_token', example: 'ntok_…' }),
      token_expiry_timestamp: ms('When the token ends (6 months after the grant), simulation clock'),
      user_token_status: z.literal('NOT_REFRESHED'),
      notification_messages_timezone: z.string(),
      notification_messages_status: z.literal('STOP_NOTIFICATIONS').optional().openapi({
        description: 'Present when the user stopped notifications: the token passes nothing any more',
      }),
    }),
  },
  'PlatformOptinDelivery',
)

const ThreadChange = z.object({
  new_owner_app_id: z.enum(['integration', 'inbox']),
  previous_owner_app_id: z.enum(['integration', 'inbox']),
  metadata: z.string(),
})

export const PlatformHandoverDelivery = pageEnvelope(
  'messaging',
  {
    pass_thread_control: ThreadChange.optional().openapi({
      description: 'The inbox passed the thread back (new_owner_app_id "integration")',
    }),
    take_thread_control: ThreadChange.optional().openapi({
      description: 'The inbox took the thread (a person on the dashboard)',
    }),
  },
  'PlatformHandoverDelivery',
)

const RESPONSES = {
  '2XX': { description: 'Received' },
  '401': { description: 'Refused: `X-Hub-Signature-256` is bad or absent' },
}

/** Their names under the document's `webhooks`. */
export const PLATFORM_RULE_WEBHOOKS = ['platform.standby', 'messaging_optins', 'messaging_handovers'] as const

const WEBHOOKS = [
  ['platform.standby', 'A user wrote while the page inbox owns the thread', PlatformStandbyDelivery],
  ['messaging_optins', 'The user allowed (or stopped) notification messages', PlatformOptinDelivery],
  ['messaging_handovers', 'The page inbox passed the thread back, or took it', PlatformHandoverDelivery],
] as const

export function registerPlatformRuleWebhooks(registry: OpenAPIHono['openAPIRegistry']): void {
  for (const [path, summary, schema] of WEBHOOKS)
    registry.registerWebhook({
      method: 'post',
      path,
      tags: ['Webhooks: platform'],
      summary,
      description:
        'POSTed to `{integration}/webhooks/platform`, in the user’s delivery queue, retried like a user message.',
      request: {
        headers: HubSignatureHeaders,
        body: { required: true, content: { 'application/json': { schema } } },
      },
      responses: RESPONSES,
    })
}
