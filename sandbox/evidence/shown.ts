import type { Deps } from '../deps.ts'
import type { ChatMessage, ConsentRecord } from '../store/state.ts'
import { type End, isAfter } from './end.ts'
import { moneyAmounts } from './money.ts'
import type { Evidence } from './schema.ts'

// Money the user was still shown after a consent ended, read from the lines the
// integration sent to their chat. A chat is the user's, not the consent's, so a line counts
// against this consent only when its data came from it: the journal records the consent of
// every call, and a line shows the data of the latest call the bank served (2xx, with
// records) under any of this customer's consents at this bank before it. A line after a
// renewal, read under the new consent, is the new consent's; a cached balance shown with no
// call since the end is still this one's. A line no served call precedes counts here too.
// While the user also holds a link to another bank, lines that name neither this bank's id
// nor its name are left out.

export function shownAfterEnd(
  deps: Deps,
  consent: ConsentRecord,
  end: End,
  userId: string,
): Evidence['shownAfterEnd'] {
  const bankName = deps.bank(consent.bankId)?.name ?? consent.bankId
  const sourceOf = servingConsent(deps, consent)
  const elsewhere = otherBankLinks(deps, consent.bankId, userId)
  const names = (text: string) => {
    const lower = text.toLowerCase()
    return lower.includes(consent.bankId.toLowerCase()) || lower.includes(bankName.toLowerCase())
  }
  const shown: Evidence['shownAfterEnd'] = []
  for (const line of deps.state.chats.get(userId) ?? []) {
    if (line.direction !== 'to_user' || !isAfter(end, moment(line))) continue
    const simMs = Date.parse(line.at)
    if (!names(line.text) && elsewhere.some((link) => link.from <= simMs && simMs < link.until)) continue
    const amounts = moneyAmounts(line.text)
    if (amounts.length === 0) continue
    const source = sourceOf(line)
    if (source !== null && source !== consent.id) continue
    shown.push({ mid: line.mid, at: line.at, text: line.text, amounts })
  }
  return shown
}

const moment = (line: ChatMessage) => ({
  simMs: Date.parse(line.at),
  wallMs: line.wallAt === undefined ? undefined : Date.parse(line.wallAt),
})

/**
 * For a chat line, the consent whose data it shows: that of the latest data call served
 * under one of the customer's consents at this bank, at or before the line (by the wall
 * clock, which orders a call and the answer it led to on a frozen simulation clock); null
 * when no such call is kept.
 */
function servingConsent(deps: Deps, consent: ConsentRecord): (line: ChatMessage) => string | null {
  const served: { wallMs: number; simMs: number; consentId: string }[] = []
  for (const other of deps.state.consents.values()) {
    if (other.bankId !== consent.bankId || other.customerId !== consent.customerId) continue
    for (const call of deps.state.journal.ofConsent(other.id))
      if (call.status >= 200 && call.status < 300 && call.records > 0)
        served.push({ wallMs: Date.parse(call.wallAt), simMs: Date.parse(call.at), consentId: other.id })
  }
  served.sort((a, b) => a.wallMs - b.wallMs)
  return (line) => {
    const { simMs, wallMs } = moment(line)
    let source: string | null = null
    for (const call of served)
      if (wallMs === undefined ? call.simMs <= simMs : call.wallMs <= wallMs) source = call.consentId
    return source
  }
}

/** When the same person held a consent at another bank (simulation time). */
function otherBankLinks(deps: Deps, bankId: string, userId: string): { from: number; until: number }[] {
  const links: { from: number; until: number }[] = []
  for (const other of deps.state.consents.values()) {
    if (other.bankId === bankId) continue
    if (deps.world.customer(other.bankId, other.customerId)?.person.platformUserId !== userId) continue
    links.push({ from: other.createdAtMs, until: other.revokedAtMs ?? other.expiresAtMs })
  }
  return links
}
