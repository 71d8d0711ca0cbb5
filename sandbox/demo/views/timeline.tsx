import type { JournalEntry } from '../../store/journal.ts'
import type { Delivery } from '../../webhooks/outbox.ts'
import { clockTime } from '../format.ts'

// Panel 4: what went over the wires, newest first — webhook deliveries from the banks
// to the integration (type, attempts, status) and the integration's calls to the banks
// and the platform.

const DELIVERY_BADGE = { delivered: 'ok', pending: 'warn', failed: 'bad' } as const

export function Timeline({
  deliveries,
  calls,
}: {
  deliveries: readonly Delivery[]
  calls: readonly JournalEntry[]
}) {
  return (
    <div class="timeline">
      <section aria-labelledby="webhooks-title">
        <h3 id="webhooks-title">Webhooks to the integration</h3>
        {deliveries.length === 0 ? (
          <p class="empty">No webhooks yet.</p>
        ) : (
          <table class="rows" data-testid="webhooks">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Bank</th>
                <th scope="col">Type</th>
                <th scope="col">Attempts</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {deliveries.map((delivery) => (
                <tr data-delivery-id={delivery.id}>
                  <td class="muted">{clockTime(delivery.createdAt)}</td>
                  <td>{delivery.bankId}</td>
                  <td>
                    <code>{delivery.type}</code>
                  </td>
                  <td>
                    {delivery.attempts.length}
                    <span class="muted small"> {attemptCodes(delivery)}</span>
                  </td>
                  <td>
                    <span class={`badge ${DELIVERY_BADGE[delivery.status]}`}>{delivery.status}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section aria-labelledby="calls-title">
        <h3 id="calls-title">The integration’s calls</h3>
        {calls.length === 0 ? (
          <p class="empty">No calls yet.</p>
        ) : (
          <table class="rows" data-testid="calls">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Call</th>
                <th scope="col">Answer</th>
                <th scope="col">Latency</th>
              </tr>
            </thead>
            <tbody>
              {calls.map((call) => (
                <tr data-call-id={call.id}>
                  <td class="muted">{clockTime(call.at)}</td>
                  <td>
                    <code>
                      {call.method} {call.route.replace(':bankId', call.bankId ?? ':bankId')}
                    </code>
                  </td>
                  <td>
                    <span class={`badge ${call.status < 300 ? 'ok' : call.status < 500 ? 'warn' : 'bad'}`}>
                      {call.status}
                    </span>
                  </td>
                  <td class="muted">{Math.round(call.latencyMs)} ms</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  )
}

/** "200" or "503 → 503 → 200": how each attempt was answered. */
function attemptCodes(delivery: Delivery): string {
  if (delivery.attempts.length === 0) return ''
  return `(${delivery.attempts.map((attempt) => attempt.statusCode ?? 'no answer').join(' → ')})`
}
