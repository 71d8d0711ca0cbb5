import type { CheckId } from './check-ids.ts'
import type { Evidence, EvidenceCall } from './schema.ts'

// The three invariants a bank asks of an integration, judged on one consent's evidence:
// it calls only when someone asked (a user message or a webhook), takes no off-platform
// spending from a bank that withholds it, and serves or shows nothing once the consent
// has ended. Scenarios judge them on the calls of their own run; the receipt on all.

export const CHECK_SAYS: Record<CheckId, string> = {
  'only-on-request': 'Every call answered a user message or a webhook',
  'no-withheld-records': 'No in-store or online spending left a bank whose policy withholds it',
  'no-data-after-revocation': 'Nothing was served or shown to the user after the consent ended',
}

export interface CallWindow {
  /** Only calls with a journal id above this. */
  afterCallId?: number
  /** Only calls with a journal id at or below this. */
  untilCallId?: number
}

export type Check = Evidence['checks'][number]

export function checkEvidence(
  evidence: Pick<Evidence, 'bank' | 'calls' | 'shownAfterEnd'>,
  window: CallWindow = {},
): Check[] {
  const calls = evidence.calls.filter(
    (call) =>
      call.id > (window.afterCallId ?? 0) && call.id <= (window.untilCallId ?? Number.POSITIVE_INFINITY),
  )
  const ids = (found: EvidenceCall[]) => found.map((call) => String(call.id))
  const unasked = calls.filter((call) => call.answered.kind === 'nothing')
  const withheld = evidence.bank.withholdsOffPlatform
    ? calls.filter((call) => (call.channels?.inStore ?? 0) + (call.channels?.online ?? 0) > 0)
    : []
  const servedAfter = calls.filter((call) => call.afterEnd && call.status < 300 && call.records > 0)
  const check = (id: CheckId, breaches: string[]): Check => ({
    id,
    held: breaches.length === 0,
    says: CHECK_SAYS[id],
    breaches,
  })
  return [
    check('only-on-request', ids(unasked)),
    check('no-withheld-records', ids(withheld)),
    check('no-data-after-revocation', [
      ...ids(servedAfter),
      ...evidence.shownAfterEnd.map((line) => line.mid),
    ]),
  ]
}
