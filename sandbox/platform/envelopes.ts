import type { Deps } from '../deps.ts'

// The Messenger-style bodies the platform posts to the integration's /webhooks/platform.
// A user's message arrives under `messaging` while the integration owns the thread and
// under `standby` while the page's inbox does; opt-ins (`messaging_optins`) and handovers
// (`messaging_handovers`) arrive as `messaging` entries of their own kind.

type Item = Record<string, unknown>

function envelope(deps: Deps, atMs: number, field: 'messaging' | 'standby', item: Item): string {
  const { pageId } = deps.credentials.platform
  return JSON.stringify({
    object: 'page',
    entry: [{ id: pageId, time: atMs, [field]: [{ recipient: { id: pageId }, timestamp: atMs, ...item }] }],
  })
}

/** A user's message: `standby` when the integration does not own the thread. */
export function messageEnvelope(
  deps: Deps,
  userId: string,
  mid: string,
  text: string,
  at: string,
  field: 'messaging' | 'standby' = 'messaging',
  /** The payload of the quick reply the user tapped (`text` is its title). */
  quickReplyPayload?: string,
): string {
  const quickReply = quickReplyPayload === undefined ? {} : { quick_reply: { payload: quickReplyPayload } }
  return envelope(deps, Date.parse(at), field, {
    sender: { id: userId },
    message: { mid, text, ...quickReply },
  })
}

export interface OptinEvent {
  payload: string
  token: string
  expiresAtMs: number
  /** Present when the user stopped the notifications. */
  stopped?: boolean
}

/** `messaging_optins`: the user allowed (or stopped) notification messages. */
export function optinEnvelope(deps: Deps, userId: string, atMs: number, optin: OptinEvent): string {
  return envelope(deps, atMs, 'messaging', {
    sender: { id: userId },
    optin: {
      type: 'notification_messages',
      payload: optin.payload,
      notification_messages_token: optin.token,
      token_expiry_timestamp: optin.expiresAtMs,
      user_token_status: 'NOT_REFRESHED',
      notification_messages_timezone: 'UTC',
      ...(optin.stopped ? { notification_messages_status: 'STOP_NOTIFICATIONS' } : {}),
    },
  })
}

/** `messaging_handovers`: the thread changed hands. */
export function handoverEnvelope(
  deps: Deps,
  userId: string,
  atMs: number,
  kind: 'pass_thread_control' | 'take_thread_control',
  change: { new_owner_app_id: string; previous_owner_app_id: string; metadata: string },
): string {
  return envelope(deps, atMs, 'messaging', { sender: { id: userId }, [kind]: change })
}
