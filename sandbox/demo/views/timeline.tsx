import type { Child } from 'hono/jsx'
import type { JournalEntry } from '../../store/journal.ts'
import type { Delivery } from '../../webhooks/outbox.ts'
import { clockTime } from '../format.ts'

// Panel 4: what went over the wires, newest first — webhook deliveries from the banks
// to the integration (type, attempts, status) and the integration's calls to the banks
// and the platform.

const DELIVERY_BADGE = { delivered: 'ok', pending: 'warn', retrying: 'bad' } as const

export function Timeline({
  deliveries,
  calls,
}: {
  deliveries: readonly Delivery[]
  calls: readonly JournalEntry[]
}) {
  return (
    <div class="timeline">
      <Rows
        id="webhooks-title"
        title="Webhooks to the integration"
        testId="webhooks"
        empty="No webhooks yet."
        columns={['Time', 'Bank', 'Type', 'Attempts', 'Status']}
        rows={deliveries.map((delivery) => (
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
      />
      <Rows
        id="calls-title"
        title="The integration’s calls"
        testId="calls"
        empty="No calls yet."
        columns={['Time', 'Call', 'Answer', 'Latency']}
        rows={calls.map((call) => (
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
      />
    </div>
  )
}

/** A titled table of rows, or a line saying there are none yet. */
function Rows(props: {
  id: string
  title: string
  testId: string
  empty: string
  columns: readonly string[]
  rows: readonly Child[]
}) {
  return (
    <section aria-labelledby={props.id}>
      <h3 id={props.id}>{props.title}</h3>
      {props.rows.length === 0 ? (
        <p class="empty">{props.empty}</p>
      ) : (
        <table class="rows" data-testid={props.testId}>
          <thead>
            <tr>
              {props.columns.map((column) => (
                <th scope="col">{column}</th>
              ))}
            </tr>
          </thead>
          <tbody>{props.rows}</tbody>
        </table>
      )}
    </section>
  )
}

/** "200" or "503 → 503 → 200": how each attempt was answered. */
function attemptCodes(delivery: Delivery): string {
  if (delivery.attempts.length === 0) return ''
  return `(${delivery.attempts.map((attempt) => attempt.statusCode ?? 'no answer').join(' → ')})`
}
