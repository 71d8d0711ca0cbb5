import { wireInbox } from './inbox.js'
import { connectLive } from './live.js'
import { createPanels } from './panels.js'
import { showScenarioButtons } from './scenarios.js'

// The dashboard's behaviour: pickers, typing as the user, the clock buttons, following a
// scenario's person, and which panels each sandbox event refreshes. Panels themselves
// are rendered by the server; this file only decides when to fetch them again.

const body = document.body
const selection = {
  bankId: body.dataset.bankId,
  customerId: body.dataset.customerId,
  userId: body.dataset.userId,
}
const panels = createPanels(() => selection)
wireInbox(selection, panels)
const bankPicker = document.getElementById('bank-picker')
const personPicker = document.getElementById('person-picker')
const follow = document.getElementById('follow')
const live = document.getElementById('live')
const chat = document.getElementById('panel-chat')
chat.dataset.stickToBottom = ''
chat.scrollTop = chat.scrollHeight

/** Which panels an event may have changed. Events about one user only matter for that user. */
function panelsFor({ kind, data }) {
  switch (kind) {
    case 'journal':
      // Token grants, refreshes and revocations change consents; data calls do not.
      // Data calls change what the integration took; token grants, refreshes and revocations consents.
      return /oauth|consent/.test(data?.route ?? '') ? ['timeline', 'consent', 'took'] : ['timeline', 'took']
    case 'webhook.queued':
      return data?.type === 'transactions.available' ? ['timeline', 'person'] : ['timeline']
    case 'webhook.attempt':
      return ['timeline']
    case 'consent.revoked':
      return ['consent', 'people', 'took']
    case 'partnership.changed':
      return ['banks', 'consent', 'people']
    case 'faults.changed':
      return ['banks']
    case 'clock.moved':
      return ['status', 'person', 'consent', 'banks', 'took', 'timeline', 'disputes']
    case 'dispute.updated':
      return ['disputes', 'person']
    case 'integration.attached':
      return ['status']
    case 'platform.link':
      return data?.userId === selection.userId ? ['chat', 'consent', 'people'] : ['people']
    case 'platform.message':
    case 'platform.delivery': {
      // While a run goes, its verdicts list the people it is about.
      const panels = followedRun ? ['verdicts'] : []
      // The user's chat decides what money was shown after a revocation.
      return data?.userId === selection.userId ? ['chat', 'inbox', 'took', ...panels] : panels
    }
    case 'platform.thread':
      return data?.userId === selection.userId ? ['inbox', 'chat'] : []
    case 'fraud.alert':
    case 'card.status.changed':
    case 'transactions.injected':
      return ['person', 'banks']
    case 'scenario.started':
    case 'scenario.expectation':
      return ['verdicts']
    case 'scenario.finished':
      return [
        'verdicts',
        'person',
        'chat',
        'disputes',
        'inbox',
        'consent',
        'banks',
        'took',
        'timeline',
        'people',
        'status',
      ]
    default:
      return []
  }
}

async function choose(bankId, customerId, userId) {
  Object.assign(selection, { bankId, customerId, userId })
  bankPicker.value = bankId
  const url = new URL(location.href)
  url.searchParams.set('bank', bankId)
  url.searchParams.set('person', customerId)
  history.replaceState(null, '', url)
  await panels.all()
}

bankPicker.addEventListener('change', async () => {
  // The person list of the new bank decides who is shown: its first linked or first customer.
  const response = await fetch(`/sandbox/demo/banks/${encodeURIComponent(bankPicker.value)}/default-person`)
  if (!response.ok) return
  const person = await response.json()
  await choose(bankPicker.value, person.customerId, person.platformUserId)
})

personPicker.addEventListener('change', () => {
  const option = personPicker.selectedOptions[0]
  if (option) choose(selection.bankId, option.value, option.dataset.userId)
})

/** Shows a platform user, at the current bank if they bank there. */
async function watchUser(userId) {
  const response = await fetch(`/sandbox/demo/users/${encodeURIComponent(userId)}`)
  if (!response.ok) return
  const user = await response.json()
  const at = user.customers.find((c) => c.bankId === selection.bankId) ?? user.customers[0]
  if (at) await choose(at.bankId, at.customerId, user.platformUserId)
}

// Following a scenario: its first person to chat is the one whose story it tells.
let followedRun = null
function followScenario({ kind, data }) {
  if (kind === 'scenario.started') followedRun = { runId: data?.runId, watching: false }
  else if (kind === 'scenario.finished' && followedRun?.runId === data?.runId) followedRun = null
  else if (kind === 'platform.message' && followedRun && !followedRun.watching && follow.checked) {
    followedRun.watching = true
    if (data?.userId !== selection.userId) watchUser(data.userId)
  }
}

document.addEventListener('click', (event) => {
  const watch = event.target.closest?.('[data-watch-user]')
  if (watch) watchUser(watch.dataset.watchUser)
})

document.getElementById('chat-form').addEventListener('submit', async (event) => {
  event.preventDefault()
  const input = document.getElementById('chat-input')
  const text = input.value.trim()
  if (!text) return
  input.value = ''
  await fetch(`/sandbox/platform/users/${encodeURIComponent(selection.userId)}/messages`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ text }),
  })
  panels.refresh('chat')
})

for (const button of document.querySelectorAll('[data-advance-ms]')) {
  button.addEventListener('click', async () => {
    button.disabled = true
    try {
      await fetch('/sandbox/clock', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ advanceMs: Number(button.dataset.advanceMs) }),
      })
    } finally {
      button.disabled = false
    }
  })
}

// A running clock moves without events; the readout follows it, and the world's lazily
// computed transactions are fetched again now and then so the feed stays live.
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
let clockAnchor = null
function anchorClock() {
  const time = document.querySelector('[data-testid="clock"]')
  if (time)
    clockAnchor = { simMs: Date.parse(time.dataset.now), wallMs: Date.now(), mode: time.dataset.mode, time }
}
setInterval(() => {
  if (clockAnchor?.mode !== 'real' || !clockAnchor.time.isConnected) return
  const now = new Date(clockAnchor.simMs + Date.now() - clockAnchor.wallMs)
  const hh = String(now.getUTCHours()).padStart(2, '0')
  const mm = String(now.getUTCMinutes()).padStart(2, '0')
  clockAnchor.time.textContent = `${MONTHS[now.getUTCMonth()]} ${now.getUTCDate()}, ${hh}:${mm} UTC`
}, 1_000)
setInterval(() => {
  if (clockAnchor?.mode === 'real') panels.refresh('person')
}, 60_000)
document.addEventListener('panel:loaded', (event) => {
  if (event.detail.panel === 'status') anchorClock()
})
anchorClock()

// Connect first, so nothing that happens while the buttons load is missed.
let scenarioButtons = { onEvent() {} }
connectLive({
  onEvent(event) {
    followScenario(event)
    scenarioButtons.onEvent(event)
    for (const panel of panelsFor(event)) panels.refresh(panel)
  },
  onStatus(status) {
    live.textContent = status === 'live' ? 'live' : 'reconnecting…'
    live.dataset.status = status
  },
  onResync: () => panels.all(),
})
scenarioButtons = await showScenarioButtons(document.getElementById('scenario-buttons'))
