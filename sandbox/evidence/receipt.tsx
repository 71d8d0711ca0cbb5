import { raw } from 'hono/html'
import { SCOPES } from '../bank/policy.ts'
import { CallsSection, EndSection, WebhooksSection } from './receipt-sections.tsx'
import { RECEIPT_CSS } from './receipt-style.ts'
import type { Evidence } from './schema.ts'
import { durationWords, fullTime, words } from './words.ts'

// The printable receipt of one consent's evidence, for a bank stakeholder rather than an
// engineer: what was agreed, whether the integration kept to it, then every call. The same
// document is served at /demo/consents/{consentId} and written by `bank-sandbox evidence
// --format html`, so it carries its own styles and needs no script.

export function renderReceipt(evidence: Evidence, options: { dashboardHref?: string } = {}): string {
  return `<!doctype html>${String(<Receipt evidence={evidence} dashboardHref={options.dashboardHref} />)}`
}

function Receipt({ evidence, dashboardHref }: { evidence: Evidence; dashboardHref: string | undefined }) {
  const { consent } = evidence
  const who = consent.customerName ?? consent.customerId
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>
          What the integration took — {who} at {consent.bankName} (fake data)
        </title>
        <style>{raw(RECEIPT_CSS)}</style>
      </head>
      <body>
        <main data-testid="receipt" data-consent-id={consent.id}>
          {dashboardHref && (
            <p class="small">
              <a class="back" href={dashboardHref}>
                ← Back to the dashboard
              </a>
            </p>
          )}
          <p class="fake" data-testid="fake-data">
            Fake data only — a simulated bank, person and integration
          </p>
          <h1>What the integration took</h1>
          <p class="muted">
            Under {who}’s consent at {consent.bankName} ({consent.id}), as of {fullTime(evidence.generatedAt)}
            .
          </p>
          <ConsentSection evidence={evidence} />
          <ChecksSection evidence={evidence} />
          <EndSection evidence={evidence} />
          <CallsSection evidence={evidence} />
          <WebhooksSection evidence={evidence} />
          <footer class="muted small">
            A call “answered” a user message or a webhook when one reached the integration for this person at
            most {durationWords(evidence.reactionMs)} before it, on the wall clock and on the simulation clock
            alike. Counts are what the bank served, recorded as each answer left it. Times are UTC on the
            simulation clock. Every name, account and amount here is generated; none belongs to a real person.
          </footer>
        </main>
      </body>
    </html>
  )
}

function ConsentSection({ evidence }: { evidence: Evidence }) {
  const { consent } = evidence
  return (
    <section data-testid="receipt-consent">
      <h2>What was agreed</h2>
      <dl class="facts">
        <dt>Purpose</dt>
        <dd data-testid="receipt-purpose">{words(consent.purpose)}</dd>
        <dt>Granted</dt>
        <dd>{fullTime(consent.grantedAt)}</dd>
        <dt>Expires</dt>
        <dd>{fullTime(consent.expiresAt)}</dd>
        <dt>Status</dt>
        <dd data-testid="receipt-status">
          {consent.revokedAt === null
            ? consent.status
            : `Revoked ${fullTime(consent.revokedAt)} by the ${consent.revokedBy ?? 'bank'}`}
        </dd>
        <dt>Bank’s policy</dt>
        <dd>{evidence.bank.summary}</dd>
      </dl>
      <table data-testid="receipt-scopes">
        <thead>
          <tr>
            <th>Permission</th>
            <th>Asked for</th>
            <th>Granted</th>
          </tr>
        </thead>
        <tbody>
          {SCOPES.filter((s) => consent.scopesAsked.includes(s) || consent.scopesGranted.includes(s)).map(
            (scope) => (
              <tr data-scope={scope}>
                <td>
                  <code>{scope}</code>
                </td>
                <td>{consent.scopesAsked.includes(scope) ? 'yes' : 'no'}</td>
                <td>{consent.scopesGranted.includes(scope) ? 'yes' : 'no — the bank withholds it'}</td>
              </tr>
            ),
          )}
        </tbody>
      </table>
    </section>
  )
}

function ChecksSection({ evidence }: { evidence: Evidence }) {
  const { totals } = evidence
  return (
    <section>
      <h2>Did the integration keep to it?</h2>
      <ul class="checks" data-testid="receipt-checks">
        {evidence.checks.map((check) => (
          <li data-check={check.id} data-held={String(check.held)}>
            <span class={`badge ${check.held ? 'ok' : 'bad'}`}>{check.held ? '✓ yes' : '✗ no'}</span>{' '}
            {check.says}
            {!check.held && <span class="muted small"> ({check.breaches.length} found)</span>}
          </li>
        ))}
      </ul>
      <div class="totals" data-testid="receipt-totals">
        <p>
          <strong>{totals.calls}</strong> calls ({totals.served} served)
        </p>
        <p>
          <strong>{totals.records}</strong> records taken
        </p>
        <p>
          <strong>{totals.channels.platform}</strong> purchases in the platform
        </p>
        <p>
          <strong>{totals.channels.inStore + totals.channels.online}</strong> purchases elsewhere (
          {totals.channels.inStore} in store, {totals.channels.online} online)
        </p>
        <p>
          <strong>{totals.answered.nothing}</strong> calls nobody asked for
        </p>
      </div>
    </section>
  )
}
