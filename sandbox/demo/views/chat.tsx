import type { LinkTap } from '../../platform/records.ts'
import type { ChatMessage } from '../../store/state.ts'
import { clockTime } from '../format.ts'
import type { ChatView } from '../reads.ts'

// Panel 2: the chat as the user sees it on the messaging platform. Links are shown
// shortened (the simulated user taps them; nobody here needs the query string), and a
// tap's outcome is noted under the message that carried it.

const URL_PATTERN = /https?:\/\/[^\s]+/g

const TAP_OUTCOME: Record<LinkTap['outcome'], string> = {
  pending: 'Tapped the link…',
  linked: 'Tapped the link and approved: linked',
  denied: 'Tapped the link and declined',
  refused: 'Tapped the link; the bank refused it',
  callback_failed: 'Tapped the link; the integration’s callback failed',
}

export function ChatLog({ chat, name }: { chat: ChatView; name: string }) {
  if (chat.lines.length === 0) {
    return <p class="empty">No messages yet. Type as {name} below, e.g. “link harbor”.</p>
  }
  return (
    <ol class="chat-log">
      {chat.lines.map((line) => (
        <ChatLine
          line={line}
          delivery={chat.delivery.get(line.mid)}
          taps={chat.links.filter((tap) => tap.mid === line.mid)}
        />
      ))}
    </ol>
  )
}

function ChatLine({
  line,
  delivery,
  taps,
}: {
  line: ChatMessage
  delivery: string | undefined
  taps: LinkTap[]
}) {
  const mine = line.direction === 'from_user'
  const agent = line.appId === 'inbox'
  return (
    <li
      class={mine ? 'bubble from-user' : agent ? 'bubble to-user from-agent' : 'bubble to-user'}
      data-direction={line.direction}
      data-mid={line.mid}
      data-app={agent ? 'inbox' : undefined}
    >
      {agent && <span class="meta">Agent</span>}
      <span class="text">{withShortLinks(line.text)}</span>
      <span class="meta">
        {clockTime(line.at)}
        {mine && delivery !== undefined && ` · ${delivery}`}
      </span>
      {taps.map((tap) => (
        <span class={`tap tap-${tap.outcome}`}>{TAP_OUTCOME[tap.outcome]}</span>
      ))}
      {line.quickReplies && (
        <span class="quick-replies" data-testid="quick-replies">
          {line.quickReplies.map((reply) => (
            <span class="quick-reply">{reply.title}</span>
          ))}
        </span>
      )}
    </li>
  )
}

function withShortLinks(text: string) {
  const parts: (string | ReturnType<typeof ShortLink>)[] = []
  let last = 0
  for (const match of text.matchAll(URL_PATTERN)) {
    const start = match.index ?? 0
    parts.push(text.slice(last, start))
    parts.push(<ShortLink url={match[0]} />)
    last = start + match[0].length
  }
  parts.push(text.slice(last))
  return parts
}

function ShortLink({ url }: { url: string }) {
  let shown = url
  try {
    const parsed = new URL(url)
    shown = `${parsed.host}${parsed.pathname}${parsed.search ? '…' : ''}`
  } catch {
    // not a URL after all: show it as typed
  }
  return (
    <span class="link" title={url}>
      ↗ {shown}
    </span>
  )
}
