import type { DisputeView } from '../disputes.ts'
import { moneyText } from '../format.ts'

// Beside the chat: each of the person's disputes on a small timeline — filed, provisional
// credit due (Reg E), decision due — with what the clock has already passed filled in.

const STEP_NAMES = { filed: 'Filed', credit: 'Provisional credit', decision: 'Decision' } as const

export function DisputeTimelines({ disputes }: { disputes: DisputeView[] }) {
  if (disputes.length === 0) return <p class="muted small">No disputes.</p>
  return (
    <ul class="dispute-timelines">
      {disputes.map((dispute) => (
        <li class="dispute" data-dispute-id={dispute.id} data-status={dispute.status}>
          <p class="dispute-head">
            <strong>{dispute.merchantName}</strong> {moneyText({ amount: dispute.amount, currency: 'USD' })}{' '}
            <span class="badge">{dispute.status.replace('_', ' ')}</span>
            {dispute.outcome && <span class="muted small"> · decided for the {dispute.outcome}</span>}
          </p>
          {/* Drawn in SVG: the page's policy allows no inline style to place the steps. */}
          <svg
            class="dispute-line"
            viewBox="0 0 208 16"
            role="img"
            aria-label="Deadlines from filing to decision"
          >
            <line x1="4" y1="8" x2="204" y2="8" />
            {dispute.steps.map((step) => (
              <circle class={step.done ? 'done' : ''} cx={String(4 + step.at * 2)} cy="8" r="5" />
            ))}
          </svg>
          <ol class="dispute-steps" data-testid="dispute-timeline">
            {dispute.steps.map((step) => (
              <li
                class={`dispute-step${step.done ? ' done' : ''}`}
                data-step={step.name}
                data-date={step.date}
                data-done={String(step.done)}
              >
                <span class="small">
                  {step.done ? '●' : '○'} {STEP_NAMES[step.name]} <span class="muted">{step.date}</span>
                </span>
              </li>
            ))}
          </ol>
        </li>
      ))}
    </ul>
  )
}
