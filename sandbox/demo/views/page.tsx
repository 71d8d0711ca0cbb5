import type { Child } from 'hono/jsx'
import type { Bank } from '../../bank/policy.ts'
import { DAY_MS } from '../../synthetic/types.ts'
import type { Panel } from '../panels.tsx'
import { type WorldChoice, WorldPicker } from './world-picker.tsx'

// The page shell: header with pickers and the clock, then the panels. Every panel is
// rendered here once, so the page tells its story before any script runs; the client
// script (dashboard.js) then keeps them live.

export interface PageProps {
  banks: readonly Bank[]
  bankId: string
  customerId: string
  userId: string
  seed: number
  panels: Record<Panel, Child>
  worlds: WorldChoice
}

export function Page({ banks, bankId, customerId, userId, seed, panels, worlds }: PageProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>Bank Sandbox — live demo (fake data)</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="/demo/assets/dashboard.css" />
        <script type="module" src="/demo/assets/dashboard.js" />
      </head>
      <body data-bank-id={bankId} data-customer-id={customerId} data-user-id={userId}>
        <header class="top">
          <div class="brand">
            <h1>Bank Sandbox</h1>
            <p class="fake" data-testid="fake-data">
              Fake data only — simulated banks, people and transactions
            </p>
          </div>
          <WorldPicker {...worlds} />
          <form class="pickers" id="pickers">
            <label>
              Bank{' '}
              <select id="bank-picker" name="bank">
                {banks.map((bank) => (
                  <option value={bank.id} selected={bank.id === bankId}>
                    {bank.name}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Person{' '}
              <select id="person-picker" name="person" data-panel="people">
                {panels.people}
              </select>
            </label>
            <label class="check">
              <input type="checkbox" id="follow" checked /> Follow scenario runs
            </label>
          </form>
          <div id="panel-status" data-panel="status">
            {panels.status}
          </div>
          <fieldset class="clock-controls">
            <legend class="sr-only">Move the simulation clock</legend>
            <button type="button" data-advance-ms={String(DAY_MS)}>
              +1 day
            </button>
            <button type="button" data-advance-ms={String(30 * DAY_MS)}>
              +1 month
            </button>
          </fieldset>
          <p class="live" id="live" role="status">
            connecting…
          </p>
        </header>
        <main class="grid">
          <LivePanel name="person" title="The bank’s view" area="person">
            {panels.person}
          </LivePanel>
          <section class="panel area-chat" aria-labelledby="chat-title">
            <h2 id="chat-title">The chat, as the user sees it</h2>
            <div id="panel-chat" class="chat" data-panel="chat" data-testid="chat" aria-live="polite">
              {panels.chat}
            </div>
            <form id="chat-form" class="chat-form">
              <label class="sr-only" for="chat-input">
                Type as the user
              </label>
              <input
                id="chat-input"
                name="text"
                autocomplete="off"
                maxlength={500}
                placeholder="Type as the user, e.g. balance"
              />
              <button type="submit">Send</button>
            </form>
            <h3 class="small">Disputes and their deadlines</h3>
            <div id="panel-disputes" class="disputes" data-panel="disputes" data-testid="disputes">
              {panels.disputes}
            </div>
            <div id="panel-inbox" data-panel="inbox">
              {panels.inbox}
            </div>
          </section>
          <div class="area-side">
            <section class="panel" aria-labelledby="scenarios-title">
              <h2 id="scenarios-title">Scenarios</h2>
              <div id="scenario-buttons" class="scenario-buttons">
                <p class="muted small">Loading scenarios…</p>
              </div>
              <div id="panel-verdicts" data-panel="verdicts" data-testid="verdicts" aria-live="polite">
                {panels.verdicts}
              </div>
            </section>
            <LivePanel name="consent" title="Consent">
              {panels.consent}
            </LivePanel>
          </div>
          <LivePanel name="banks" title="Banks: partnership and what the integration may see" area="banks">
            {panels.banks}
          </LivePanel>
          <LivePanel name="took" title="What the integration took" area="took">
            {panels.took}
          </LivePanel>
          <LivePanel name="timeline" title="Timeline" area="timeline">
            {panels.timeline}
          </LivePanel>
        </main>
        <footer class="muted small">
          Every name, account, card and transaction here is generated (seed {seed}); none belongs to a real
          person. Times are UTC on the simulation clock.
        </footer>
      </body>
    </html>
  )
}

/** A titled panel whose body the client script replaces by name (`data-panel`). */
function LivePanel({
  name,
  title,
  area,
  children,
}: {
  name: Panel
  title: string
  area?: string
  children: Child
}) {
  return (
    <section class={area ? `panel area-${area}` : 'panel'} aria-labelledby={`${name}-title`}>
      <h2 id={`${name}-title`}>{title}</h2>
      <div id={`panel-${name}`} data-panel={name}>
        {children}
      </div>
    </section>
  )
}

/**
 * Shown instead of the dashboard when the sandbox is shared and the browser has not given
 * the admin key yet. The key goes back to POST /demo once; the answer keeps it in a cookie.
 */
export function AdminKeyForm({ action, wrong }: { action: string; wrong: boolean }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>Bank Sandbox — admin key needed</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="/demo/assets/dashboard.css" />
      </head>
      <body>
        <main class="notice">
          <h1>Bank Sandbox</h1>
          <p>
            This sandbox is shared, so its dashboard needs the admin key printed when the server started (or
            given as <code>--admin-key</code>). This browser keeps it until it closes.
          </p>
          {wrong ? (
            <p class="key-error" role="alert">
              That is not the admin key.
            </p>
          ) : null}
          <form class="key-form" method="post" action={action}>
            <label for="admin-key">Admin key</label>
            <input
              id="admin-key"
              name="key"
              type="password"
              autocomplete="current-password"
              required
              autofocus
            />
            <button type="submit">Open the dashboard</button>
          </form>
        </main>
      </body>
    </html>
  )
}
