import { z } from '@hono/zod-openapi'
import { ChatText } from './schemas.ts'

// Wire shapes of conversation routing, the messaging window and opt-ins: the Send API's
// thread control (Messenger-style, snake_case) and the control API's view (camelCase).

const Metadata = z.string().max(1000).default('').openapi({ description: 'Passed on to the other app' })

export const PassThreadControl = z
  .object({
    recipient: z.object({ id: z.string().max(100) }),
    target_app_id: z.literal('inbox').openapi({ description: 'The page’s human inbox' }),
    metadata: Metadata,
  })
  .openapi('PassThreadControl')

export const TakeThreadControl = z
  .object({ recipient: z.object({ id: z.string().max(100) }), metadata: Metadata })
  .openapi('TakeThreadControl')

export const ThreadControlDone = z.object({ success: z.literal(true) }).openapi('ThreadControlDone')

export const PolicyName = z.enum(['open', 'window'])
export const PolicyChoice = z
  .object({ policy: PolicyName.nullable().openapi({ description: 'null: back to the server’s default' }) })
  .openapi('PlatformPolicyChoice')
export const PolicyState = z.object({ policy: PolicyName, default: PolicyName }).openapi('PlatformPolicy')

export const Optin = z
  .object({
    token: z.string(),
    payload: z.string(),
    grantedAt: z.string(),
    expiresAt: z.string(),
    stoppedAt: z.string().nullable(),
  })
  .openapi('PlatformOptin')

export const Conversation = z
  .object({
    userId: z.string(),
    owner: z.enum(['integration', 'inbox']),
    agent: z.enum(['simulated', 'person']),
    lastUserMessageAt: z.string().nullable(),
    windowOpen: z.boolean().openapi({ description: 'The user wrote within the last 24 h' }),
    policy: PolicyName,
    optins: z.array(Optin),
  })
  .openapi('PlatformConversation')

export const InboxHandover = z.object({ metadata: Metadata }).openapi('InboxHandover')
export const AgentSays = z.object({ text: ChatText }).openapi('AgentSays')
