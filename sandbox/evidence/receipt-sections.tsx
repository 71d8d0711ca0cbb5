import type { Evidence } from './schema.ts'
import { actionWords, answeredWords, channelWords, durationWords, endWords, fullTime } from './words.ts'

// The receipt's later sections: what happened after the consent ended, every call, and the
// webhooks the bank sent about the consent.

export function EndSection({ evidence }: { evidence: Evidence }) {
  const { end, shownAfterEnd } = evidence
  if (!end) return null
  const first = end.firstRefused
  return (
    <section data-testid="receipt-end">
      <h2>After the consent ended</h2>
      <p>
        {endWords(end)} at {fullTime(end.at)}. Afterwards the integration made {end.callsAfter} call
        {end.callsAfter === 1 ? '' : 's'}: {end.refusedAfter} refused, {end.servedAfter} served.
      </p>
      {first && (
        <p data-testid="receipt-first-refused">
          The first refused call came {durationWords(first.wallDelayMs ?? first.delayMs)} after the end (
          {fullTime(first.at)}).
        </p>
      )}
      {shownAfterEnd.length === 0 ? (
        <p data-testid="receipt-shown">No money from this consent’s data was shown to the user afterwards.</p>
      ) : (
        <div data-testid="receipt-shown">
          <p>Money from this consent’s data the user was still shown afterwards:</p>
          <ul>
            {shownAfterEnd.map((line) => (
              <li data-mid={line.mid}>
                {fullTime(line.at)}: “{line.text}”
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  )
}

export function CallsSection({ evidence }: { evidence: Evidence }) {
  return (
    <section>
      <h2>Every call under this consent</h2>
      {evidence.calls.length === 0 ? (
        <p>None.</p>
      ) : (
        <table data-testid="receipt-calls">
          <thead>
            <tr>
              <th>Time</th>
              <th>What</th>
              <th>Permission used</th>
              <th>Records</th>
              <th>Asked by</th>
              <th class="num">Answer</th>
            </tr>
          </thead>
          <tbody>
            {evidence.calls.map((call) => (
              <tr
                data-call-id={String(call.id)}
                data-answered={call.answered.kind}
                class={call.answered.kind}
              >
                <td>{fullTime(call.at)}</td>
                <td>{actionWords(call)}</td>
                <td>{call.scope ? <code>{call.scope}</code> : <span class="muted">—</span>}</td>
                <td>{channelWords(call.channels, call.records)}</td>
                <td>{answeredWords(call.answered)}</td>
                <td class="num">
                  <span class={`badge ${call.status < 300 ? 'ok' : 'bad'}`}>{call.status}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}

export function WebhooksSection({ evidence }: { evidence: Evidence }) {
  return (
    <section>
      <h2>What the bank told the integration about this consent</h2>
      {evidence.webhooks.length === 0 ? (
        <p>No webhooks.</p>
      ) : (
        <table data-testid="receipt-webhooks">
          <thead>
            <tr>
              <th>Time</th>
              <th>Webhook</th>
              <th>Delivery</th>
            </tr>
          </thead>
          <tbody>
            {evidence.webhooks.map((webhook) => (
              <tr data-webhook-id={webhook.id}>
                <td>{fullTime(webhook.createdAt)}</td>
                <td>
                  <code>{webhook.type}</code>
                </td>
                <td>
                  {webhook.status}, {webhook.attempts} attempt{webhook.attempts === 1 ? '' : 's'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
