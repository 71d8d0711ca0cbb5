import type { ConversationRecord } from '../../store/records.ts'

// Under the chat: the page's human inbox, so a stakeholder can play the agent. They take
// the thread from the bot, type as the agent, and hand the thread back; the integration
// hears each move as Messenger's handover events (the guide's "Messaging rules"). Folded
// to one line while the bot has the conversation, so the chat keeps the room.

export function InboxPanel({ conversation, name }: { conversation: ConversationRecord; name: string }) {
  const withInbox = conversation.owner === 'inbox'
  return (
    <details class="inbox" data-testid="inbox" data-owner={conversation.owner} open={withInbox}>
      <summary class="small" data-testid="thread-owner">
        {withInbox
          ? `A person in the page inbox has ${name}’s conversation${conversation.agent === 'simulated' ? ' (the simulated agent)' : ''}`
          : 'Play the human agent'}
      </summary>
      {withInbox ? (
        <form class="chat-form" data-inbox-action="messages">
          <label class="sr-only" for="agent-input">
            Type as the agent
          </label>
          <input
            id="agent-input"
            name="text"
            autocomplete="off"
            maxlength={500}
            placeholder="Type as the agent"
          />
          <button type="submit">Send as agent</button>
          <button type="button" data-inbox-action="handback">
            Hand back
          </button>
        </form>
      ) : (
        <button type="button" data-inbox-action="take">
          Take the thread from the bot
        </button>
      )}
    </details>
  )
}
