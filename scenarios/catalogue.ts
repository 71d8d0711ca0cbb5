import { bankOutage } from './library/bank-outage.ts'
import { bankWithdraws } from './library/bank-withdraws.ts'
import { cardControls } from './library/card-controls.ts'
import { consentExpiry } from './library/consent-expiry.ts'
import { consentRevoked } from './library/consent-revoked.ts'
import { dataMinimisation } from './library/data-minimisation.ts'
import { disputeInChat } from './library/dispute-in-chat.ts'
import { fapiDpopNonce } from './library/fapi-dpop-nonce.ts'
import { fapiDpopReplay } from './library/fapi-dpop-replay.ts'
import { fapiLink } from './library/fapi-link.ts'
import { fapiMixUp } from './library/fapi-mix-up.ts'
import { forgedCallback } from './library/forged-callback.ts'
import { forgedWebhook } from './library/forged-webhook.ts'
import { fraudBurst } from './library/fraud-burst.ts'
import { humanHandover } from './library/human-handover.ts'
import { messagingWindow } from './library/messaging-window.ts'
import type { Scenario } from './schema.ts'

/** Every built-in scenario, in the order they are listed and run. */
export const SCENARIOS: readonly Scenario[] = [
  fraudBurst,
  consentRevoked,
  bankWithdraws,
  forgedWebhook,
  forgedCallback,
  bankOutage,
  consentExpiry,
  dataMinimisation,
  fapiLink,
  fapiMixUp,
  fapiDpopReplay,
  fapiDpopNonce,
  cardControls,
  disputeInChat,
  humanHandover,
  messagingWindow,
]

export function scenarioNamed(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name)
}
