import { html } from 'hono/html'
import type { AuthorizeRequest } from '../authorize.ts'
import { type Bank, grantedScopes } from '../policy.ts'

/** The bank's consent screen. Every value is escaped by `html`; the form repeats the request. */
export function consentPage(request: AuthorizeRequest, query: Record<string, string>) {
  const { bank } = request
  const granted = grantedScopes(bank, request.scopes)
  const hidden = Object.entries(query).map(
    ([name, value]) => html`<input type="hidden" name="${name}" value="${value}" />`,
  )
  return html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${bank.name} — link your account (sandbox)</title>
    <style>
      body { font: 16px/1.5 system-ui, sans-serif; max-width: 32rem; margin: 3rem auto; padding: 0 1rem; color: #1b1f24; }
      .fake { background: #fff3cd; padding: .5rem .75rem; border-radius: .25rem; }
      button { font: inherit; padding: .5rem 1rem; margin-right: .5rem; }
    </style>
  </head>
  <body>
    <p class="fake">Bank Sandbox — fake data only.</p>
    <h1>${bank.name}</h1>
    <p>The messaging platform asks to see, for <strong>${request.purpose}</strong>:</p>
    <ul>
      ${granted.map((scope) => html`<li>${scope}</li>`)}
    </ul>
    <p>${bank.policy.summary}</p>
    ${
      request.fapi
        ? html`<p class="fapi">FAPI 2.0: the platform pushed this request to ${bank.name} first (PAR) with a
            PKCE challenge; approving sends a single-use code, valid 60 s, back with this bank’s
            name (<code>iss</code>), and only the key that proves each call (DPoP) can use the tokens.</p>`
        : ''
    }
    <form method="post">
      ${hidden}
      <label>Customer id <input name="customer_id" required placeholder="cus_${bank.id}_00000" /></label>
      <p>
        <button name="decision" value="approve">Approve</button>
        <button name="decision" value="deny" formnovalidate>Deny</button>
      </p>
    </form>
  </body>
</html>`
}

/** What a browser sees when a FAPI bank refuses an authorize link: no redirect, only the reason. */
export function refusalPage(bank: Bank, reason: string) {
  return html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${bank.name} — this link cannot be used (sandbox)</title>
  </head>
  <body>
    <p>Bank Sandbox — fake data only.</p>
    <h1>${bank.name}: this link cannot be used</h1>
    <p>${reason}</p>
    <p>Go back to the chat and ask for a new link.</p>
  </body>
</html>`
}
