import { member, type RunContext } from './context.ts'
import { within } from './reaction.ts'

// A mix-up attack on a FAPI bank's link (RFC 9207, the OpenID FAPI 2.0 client tests'
// "iss missing" and "iss wrong"): the person asks to link and approves, but the answer
// reaches the integration first with another issuer's name and then with none. A
// correct integration refuses both and redeems the code only from the genuine answer.

const ATTACKER_ISSUER = 'https://attacker.example/banks/'
const LINK = /https?:\/\/\S+\/banks\/[^/\s]+\/oauth\/authorize\?\S+/

export async function mixUpCallback(context: RunContext, step: { role: string; bankId: string }) {
  const { control } = context.target
  const person = member(context, step.role)
  const user = person.platformUserId
  // The person approves by hand, so the simulated tap must not answer first.
  await control.call('PUT', `/sandbox/platform/users/${user}/link-behaviour`, { behaviour: 'ignore' })
  try {
    const before = (await control.chat(user)).length
    await control.say(user, `link ${step.bankId}`)
    context.lastActionWallMs = Date.now()
    await context.target.settle()
    const link = await within(context, async () => {
      const lines = (await control.chat(user)).slice(before)
      return lines.map((line) => LINK.exec(line.text)?.[0]).find((found) => found !== undefined)
    })
    if (!link) return // no link reached the person: nothing to attack, and nothing linked
    const answer = await approve(context, link, person.banks[step.bankId]?.customerId ?? '')
    if (!answer) return
    const wrong = new URL(answer)
    wrong.searchParams.set('iss', `${ATTACKER_ISSUER}${step.bankId}`)
    const missing = new URL(answer)
    missing.searchParams.delete('iss')
    context.forgeries.push({ what: 'authorization answer with a wrong iss', status: await visit(wrong) })
    context.forgeries.push({ what: 'authorization answer without iss', status: await visit(missing) })
    context.heldCallbacks.set(`${step.role}/${step.bankId}`, answer)
  } finally {
    await control.call('PUT', `/sandbox/platform/users/${user}/link-behaviour`, { behaviour: 'approve' })
  }
}

export async function completeCallback(context: RunContext, step: { role: string; bankId: string }) {
  const answer = context.heldCallbacks.get(`${step.role}/${step.bankId}`)
  context.heldCallbacks.delete(`${step.role}/${step.bankId}`)
  if (answer) await visit(new URL(answer))
}

/** Approves on the bank's consent page, as the person: where the bank sends the browser. */
async function approve(context: RunContext, link: string, customerId: string): Promise<string | null> {
  const tapped = new URL(link.replace(/[.,;:!?)\]}]+$/, ''))
  // The page's own URL, query included: a world's page is found by the client_id in it.
  const page = new URL(`${tapped.pathname}${tapped.search}`, context.target.sandboxUrl)
  const form = new URLSearchParams(tapped.searchParams)
  form.set('decision', 'approve')
  form.set('customer_id', customerId)
  try {
    const res = await fetch(page, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: form,
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
    })
    return res.headers.get('Location')
  } catch {
    return null
  }
}

async function visit(url: URL): Promise<number | null> {
  try {
    return (await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(10_000) })).status
  } catch {
    return null
  }
}
