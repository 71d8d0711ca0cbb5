import { type ExpectationInput, window } from './action-kit.ts'
import { CONSENT_LIFETIME_MS, EXPIRY_NOTICE_MS, type Model } from './model.ts'

// The clock moving in the model: withdrawals take effect, expiry notices go out (and are
// owed to the user), consents end. Any action that advances the clock plays it through here.

export function advanceModel(
  model: Model,
  ms: number,
  id: (what: string) => string,
  at: string,
): ExpectationInput[] {
  const before = model.nowMs
  model.nowMs += ms
  const expect: ExpectationInput[] = []
  for (const [bankId, bank] of Object.entries(model.banks))
    if (bank.partnership === 'terminating' && model.nowMs >= bank.effectiveAtMs) {
      bank.partnership = 'terminated'
      model.justTerminated.push(bankId)
    }
  for (const [role, person] of Object.entries(model.people)) {
    const bank = model.banks[person.bank]
    if (!person.linked || !bank) continue
    const ends = person.linkedAtMs + CONSENT_LIFETIME_MS
    const notice = ends - EXPIRY_NOTICE_MS
    if (before < notice && model.nowMs >= notice) {
      model.webhooks = true
      if (bank.partnership === 'active' && !bank.troubled && !person.uncertain)
        expect.push({
          kind: 'messages',
          id: id(`${role}-expiry-warned`),
          says: `Before a consent ends the user is told "link ${person.bank}"`,
          role,
          ...window(at),
          contains: `link ${person.bank}`,
        })
      person.uncertain = true
    }
    if (model.nowMs >= ends) {
      person.linked = false
      person.anyEnded = true
      // An alert raised under an ended consent is no longer the integration's to answer.
      person.openAlert = false
      if (person.linkedAtSetup) person.firstEnded = true
    }
  }
  return expect
}
