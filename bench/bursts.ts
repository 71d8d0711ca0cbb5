import { performance } from 'node:perf_hooks'
import { recordFixtures } from './fixtures.ts'
import { startPinnedSandbox } from './pinning.ts'
import { type ChildGroup, waitForOutput } from './processes.ts'

// Injected bursts on one card of a linked customer, one after another: the fraud engine
// flags each burst's tiny online charges (card testing) and the card's one open alert
// grows by a thousand transactions each time. What a burst costs must be what it adds,
// not what the card went through before: the 20th is timed against the 1st.

const LISTENING = /listening on (http:\/\/127\.0\.0\.1:\d+)/
const WARM_UP_BURSTS = 3

export interface BurstFigures {
  size: number
  /** Wall time of each POST, in order. */
  burstMs: number[]
}

export async function benchBursts(children: ChildGroup, bursts = 20, size = 1000): Promise<BurstFigures> {
  const { server, pinning } = startPinnedSandbox(children)
  try {
    const [, url = ''] = await waitForOutput(server, LISTENING)
    // Links the first Harbor customer, so every flagged burst is announced as well.
    await recordFixtures(url)
    const customers = (await getJson(`${url}/sandbox/banks/harbor/customers?limit=2`)) as {
      data: { id: string; cards: { id: string }[] }[]
    }
    const [card, warmUpCard] = customers.data.map((customer) => customer.cards[0]?.id ?? '')
    if (!card || !warmUpCard) throw new Error('the first two Harbor customers need a card each')
    // A few bursts on another customer's card first: the 1st timed burst is not the one that warms the JIT.
    for (let i = 0; i < WARM_UP_BURSTS; i++) await burst(url, warmUpCard, size)
    const burstMs: number[] = []
    for (let i = 0; i < bursts; i++) burstMs.push(await burst(url, card, size))
    return { size, burstMs }
  } finally {
    pinning?.release()
    await children.stop(server)
  }
}

/** One POST of `size` tiny online charges over 10 minutes; its wall time in ms. */
async function burst(url: string, card: string, size: number): Promise<number> {
  const started = performance.now()
  const res = await fetch(`${url}/sandbox/banks/harbor/cards/${card}/transactions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ amount: { amount: -150, currency: 'USD' }, count: size, spreadMs: 600_000 }),
  })
  await res.arrayBuffer()
  if (res.status !== 201) throw new Error(`a burst answered ${res.status}`)
  return performance.now() - started
}

async function getJson(url: string): Promise<unknown> {
  const res = await fetch(url)
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status}`)
  return res.json()
}
