// Playing the human agent: take the thread, type as the agent, hand it back. Each is a
// control call; the panels it changes come back through the live events.

/** @param {{ userId: string }} selection @param {{ refresh(panel: string): void }} panels */
export function wireInbox(selection, panels) {
  const call = async (action, body) => {
    await fetch(`/sandbox/platform/users/${encodeURIComponent(selection.userId)}/inbox/${action}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body ?? {}),
    })
    panels.refresh('inbox')
    panels.refresh('chat')
  }
  document.addEventListener('click', (event) => {
    const button = event.target.closest?.('button[data-inbox-action]')
    if (!button || button.type === 'submit') return
    call(button.dataset.inboxAction, {})
  })
  document.addEventListener('submit', (event) => {
    const form = event.target.closest?.('form[data-inbox-action="messages"]')
    if (!form) return
    event.preventDefault()
    const input = form.querySelector('input[name="text"]')
    const text = input.value.trim()
    if (!text) return
    input.value = ''
    call('messages', { text })
  })
}
