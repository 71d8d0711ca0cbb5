import type { Deps } from '../deps.ts'
import type { ChatMessage, ConsentRecord } from '../store/state.ts'
import { type End, isAfter } from './end.ts'
import { moneyAmounts } from './money.ts'
import type { Evidence } from './schema.ts'

// Money the user was still shown after a consent ended, read from the lines the
// integration sent to their chat. A chat is the user's, not the consent's, so two
// kinds of line are left out: those after the user began a new link to this bank (the
// first authorize link after the end, when a newer consent exists), and, while the user
// also holds a link to another bank, those that name neither this bank's id nor its name.

export function shownAfterEnd(
  deps: Deps,
  consent: ConsentRecord,
  end: End,
  userId: string,
): Evidence['shownAfterEnd'] {
  const bankName = deps.bank(consent.bankId)?.name ?? consent.bankId
  const relinked = [...deps.state.consents.values()].some(
    (other) =>
      other.id !== consent.id &&
      other.bankId === consent.bankId &&
      other.customerId === consent.customerId &&
      other.createdAtMs >= end.simMs,
  )
  const elsewhere = otherBankLinks(deps, consent.bankId, userId)
  const names = (text: string) => {
    const lower = text.toLowerCase()
    return lower.includes(consent.bankId.toLowerCase()) || lower.includes(bankName.toLowerCase())
  }
  const shown: Evidence['shownAfterEnd'] = []
  for (const line of deps.state.chats.get(userId) ?? []) {
    if (line.direction !== 'to_user' || !isAfter(end, moment(line))) continue
    if (relinked && line.text.includes(`/banks/${consent.bankId}/oauth/authorize`)) break
    const simMs = Date.parse(line.at)
    if (!names(line.text) && elsewhere.some((link) => link.from <= simMs && simMs < link.until)) continue
    const amounts = moneyAmounts(line.text)
    if (amounts.length > 0) shown.push({ mid: line.mid, at: line.at, text: line.text, amounts })
  }
  return shown
}

const moment = (line: ChatMessage) => ({
  simMs: Date.parse(line.at),
  wallMs: line.wallAt === undefined ? undefined : Date.parse(line.wallAt),
})

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
