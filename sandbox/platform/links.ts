import { decide, parseAuthorize } from '../bank/authorize.ts'
import type { Deps } from '../deps.ts'
import { outboundRules } from '../deps.ts'
import { callOut } from '../http/outbound.ts'
import { Problem } from '../http/problem.ts'
import type { TargetRules } from '../http/url-guard.ts'
import type { ChatMessage } from '../store/state.ts'
import { toIso } from '../time/clock.ts'
import { ATTEMPT_TIMEOUT_MS } from '../webhooks/deliver.ts'
import { inBackground, type LinkTap } from './records.ts'
import { personOfUser } from './users.ts'

// The simulated user taps links: the first absolute URL in a message sent to
// them whose path is /banks/{bankId}/oauth/authorize. The host does not matter. The
// sandbox answers the consent page itself — approving as the user's own customer at that
// bank, or denying — and then calls the redirect_uri as a browser would, without
// following its redirects. Any 2xx or 3xx answer completes the link.
// A shared sandbox calls nothing but the attached integration's origin: a redirect_uri
// anywhere else (or with nothing attached) is refused before any consent is granted.

const URL_PATTERN = /https?:\/\/[^\s<>"'`]+/gi
const AUTHORIZE_PATH = /^\/banks\/([^/]+)\/oauth\/authorize\/?$/
/** Chat apps leave trailing punctuation out of a link: "Tap https://…/authorize?…." */
const TRAILING_PUNCTUATION = /[.,;:!?)\]}]+$/

export interface AuthorizeLink {
  bankId: string
  query: Record<string, string>
}

/** The first authorize link in a text, or null. */
export function findAuthorizeLink(text: string): AuthorizeLink | null {
  for (const match of text.matchAll(URL_PATTERN)) {
    let url: URL
    try {
      url = new URL(match[0].replace(TRAILING_PUNCTUATION, ''))
    } catch {
      continue
    }
    const bankId = decodedSegment(AUTHORIZE_PATH.exec(url.pathname)?.[1])
    if (!bankId) continue
    const query: Record<string, string> = {}
    for (const [key, value] of url.searchParams) if (!(key in query)) query[key] = value
    return { bankId, query }
  }
  return null
}

function decodedSegment(segment: string | undefined): string | null {
  if (!segment) return null
  try {
    return decodeURIComponent(segment)
  } catch {
    return null // malformed percent-encoding: no bank page would open
  }
}

/** Taps the message's authorize link, if any, once the current request has been answered. */
export function tapLinkLater(deps: Deps, message: ChatMessage): void {
  const link = findAuthorizeLink(message.text)
  if (!link) return
  const behaviour = deps.state.linkBehaviour.get(message.userId) ?? 'approve'
  if (behaviour === 'ignore') return
  const tap: LinkTap = {
    mid: message.mid,
    userId: message.userId,
    bankId: link.bankId,
    at: message.at,
    outcome: 'pending',
    error: null,
    consentId: null,
    status: null,
    callbackError: null,
  }
  deps.state.taps.set(tap)
  inBackground(deps, async () => {
    await new Promise((resolve) => setImmediate(resolve))
    let outcome: Partial<LinkTap> = { outcome: 'refused', error: 'internal' }
    try {
      outcome = await completeTap(deps, link, tap, behaviour === 'approve')
    } finally {
      const done = { ...tap, ...outcome }
      deps.state.taps.set(done)
      deps.bus.publish('platform.link', toIso(deps.clock.now()), done)
    }
  })
}

async function completeTap(
  deps: Deps,
  link: AuthorizeLink,
  tap: LinkTap,
  approve: boolean,
): Promise<Partial<LinkTap>> {
  const target = await consentAnswer(deps, link, tap, approve)
  if (typeof target !== 'string') return target
  const redirect = new URL(target)
  const error = redirect.searchParams.get('error')
  const code = redirect.searchParams.get('code')
  const consentId = code === null ? null : (deps.state.codes.get(code)?.consentId ?? null)
  const answer = await follow(target, outboundRules(deps, target))
  const completed = answer.status !== null && answer.status >= 200 && answer.status < 400
  return {
    error,
    consentId,
    status: answer.status,
    callbackError: answer.error,
    outcome: !completed ? 'callback_failed' : error === null ? 'linked' : 'denied',
  }
}

/** What the consent page would do: the redirect target, or the refusal when the bank would not redirect. */
async function consentAnswer(
  deps: Deps,
  link: AuthorizeLink,
  tap: LinkTap,
  approve: boolean,
): Promise<string | Partial<LinkTap>> {
  const refuse = (code: string): Partial<LinkTap> => ({ outcome: 'refused', error: code })
  const bank = deps.bank(link.bankId)
  if (!bank) return refuse('not_found')
  // As the partnership guard in front of the real page: no new links once a bank withdraws.
  const partnership = deps.state.partnerships.get(bank.id)
  if (partnership && partnership.status !== 'active') return refuse('partnership_terminated')
  try {
    const request = await parseAuthorize(deps, bank, link.query)
    if (!atIntegrationOrigin(deps, request.redirectUri)) return refuse('forbidden')
    const index = personOfUser(deps, tap.userId)?.index
    const customer = index === undefined ? undefined : deps.world.customerOfPerson(bank.id, index)
    return decide(deps, request, approve && customer ? customer.id : null)
  } catch (error) {
    if (error instanceof Problem) return refuse(error.code)
    throw error
  }
}

/** Locally any redirect_uri; in shared mode only one at the attached integration's origin. */
function atIntegrationOrigin(deps: Deps, redirectUri: string): boolean {
  if (!deps.server.targets.shared) return true
  const base = deps.integrationUrl
  return base !== null && new URL(redirectUri).origin === new URL(base).origin
}

/** GET the redirect target like a browser would, once: no redirects followed, body discarded. */
function follow(
  url: string,
  targets: TargetRules | null,
): Promise<{ status: number | null; error: string | null }> {
  return callOut(url, {
    method: 'GET',
    headers: { 'User-Agent': 'bank-sandbox-user' },
    timeoutMs: ATTEMPT_TIMEOUT_MS,
    targets,
  })
}
