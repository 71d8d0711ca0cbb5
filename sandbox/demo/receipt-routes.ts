import { Hono } from 'hono'
import { z } from 'zod'
import type { Deps } from '../deps.ts'
import { buildEvidence } from '../evidence/build.ts'
import { renderReceipt } from '../evidence/receipt.tsx'
import { RECEIPT_STYLE_HASH } from '../evidence/receipt-style.ts'
import { ADMIN_KEY_HEADER, presentsAdminKey } from '../http/guards.ts'
import { problems } from '../http/problem.ts'
import { fieldErrors } from '../http/validate.ts'

// GET /demo/consents/{consentId}: the printable privacy receipt of one consent, linked from
// the dashboard's "What the integration took" panel. It shows a person's data, so a shared
// sandbox serves it only with the admin key (the dashboard's cookie will do). The page
// runs no script and loads nothing: its one stylesheet is inline, allowed by its hash.

const ReceiptParams = z.object({ consentId: z.string().min(1).max(100) })

const RECEIPT_CSP =
  `default-src 'none'; style-src ${RECEIPT_STYLE_HASH}; img-src 'self' data:; ` +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

export function receiptRoutes(deps: Deps) {
  const app = new Hono()

  app.get('/demo/consents/:consentId', async (c) => {
    if (deps.server.adminKey !== null && !presentsAdminKey(c, deps.server.adminKey))
      throw problems.forbidden(
        `Send the sandbox admin key in ${ADMIN_KEY_HEADER}, or enter it at /demo first.`,
      )
    const parsed = ReceiptParams.safeParse({ consentId: c.req.param('consentId') })
    if (!parsed.success)
      throw problems.invalidRequest('The consent id is not valid.', fieldErrors(parsed.error))
    const consent = deps.state.consents.get(parsed.data.consentId)
    if (!consent) throw problems.notFound('No such consent.')
    const dashboard = new URLSearchParams({ bank: consent.bankId, person: consent.customerId })
    c.header('Content-Security-Policy', RECEIPT_CSP)
    c.header('Cache-Control', 'no-store')
    await deps.store.catchUpJournal()
    return c.html(renderReceipt(buildEvidence(deps, consent), { dashboardHref: `/demo?${dashboard}` }))
  })

  return app
}
