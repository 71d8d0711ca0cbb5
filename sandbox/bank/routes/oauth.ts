import { OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import type { Deps } from '../../deps.ts'
import { requestHeader } from '../../http/header.ts'
import { Problem } from '../../http/problem.ts'
import { decide, parseAuthorize } from '../authorize.ts'
import { revokeConsent } from '../consents.ts'
import { exchangeCode, OAuthError, refreshTokens } from '../tokens.ts'
import type { BankGate, BankHandler } from './bank-guards.ts'
import { createConsentFormLimit } from './consent-form-limit.ts'
import { consentPage, refusalPage } from './consent-page.ts'
import type { BankEnv } from './env.ts'
import { fapiRevoke, fapiToken } from './fapi-oauth.ts'
import { authenticateClient, formBody, oauthErrorResponse } from './oauth-client.ts'
import { registerOAuthDocs } from './oauth-docs.ts'

export function oauthRoutes(deps: Deps, gate: BankGate) {
  const app = new OpenAPIHono<BankEnv>()
  registerOAuthDocs(app.openAPIRegistry)

  // The page a customer sees after tapping the link; approving posts back below.
  app.get(
    '/banks/:bankId/oauth/authorize',
    gate.open(async (c) => {
      // Showing the page leaves a pushed request unused; the answer below uses it up.
      const bank = deps.requireBank(c.req.param('bankId') ?? '')
      try {
        return c.html(consentPage(await parseAuthorize(deps, bank, c.req.query(), false), c.req.query()))
      } catch (error) {
        // A FAPI bank shows a browser its refusal as a page; anyone else gets the problem.
        const browser = (c.req.header('Accept') ?? '').includes('text/html')
        if (bank.profile !== 'fapi2' || !browser || !(error instanceof Problem)) throw error
        return c.html(refusalPage(bank, error.message), 400)
      }
    }),
  )

  const formLimit = createConsentFormLimit(() => deps.clock.wallNow())
  app.post(
    '/banks/:bankId/oauth/authorize',
    gate.open(async (c) => {
      const form = await c.req.parseBody()
      const fields: Record<string, string> = {}
      for (const [key, value] of Object.entries(form)) if (typeof value === 'string') fields[key] = value
      const bank = deps.requireBank(c.req.param('bankId') ?? '')
      const customerId = fields.decision === 'approve' ? (fields.customer_id ?? '').trim() : null
      formLimit.admit(c, bank.id, customerId)
      const request = await parseAuthorize(deps, bank, fields)
      return c.redirect(decide(deps, request, customerId), 302)
    }),
  )

  /** A client-authenticated form POST; its errors take RFC 6749 §5.2's shape. */
  const clientCall =
    (work: (c: Context<BankEnv>, bankId: string, form: Form) => Response): BankHandler =>
    async (c) => {
      const bank = deps.requireBank(c.req.param('bankId') ?? '')
      try {
        authenticateClient(deps, requestHeader(c, 'authorization'))
        return work(c, bank.id, await formBody(c))
      } catch (error) {
        if (error instanceof OAuthError) return oauthErrorResponse(c, error)
        throw error
      }
    }

  // A FAPI bank's token and revoke endpoints authenticate with private_key_jwt instead.
  const fapiOr = (fapi: typeof fapiToken, plain: BankHandler): BankHandler =>
    gate.open((c) => {
      const bank = deps.requireBank(c.req.param('bankId') ?? '')
      return bank.profile === 'fapi2' ? fapi(deps, c, bank) : plain(c)
    })

  app.post(
    '/banks/:bankId/oauth/token',
    fapiOr(
      fapiToken,
      clientCall((c, bankId, form) => {
        const tokens = grant(deps, bankId, form)
        c.header('Cache-Control', 'no-store')
        return c.json(tokens, 200)
      }),
    ),
  )

  // RFC 7009: unknown tokens still answer 200. Revoking a refresh token ends the grant.
  app.post(
    '/banks/:bankId/oauth/revoke',
    fapiOr(
      fapiRevoke,
      clientCall((c, bankId, { token }) => {
        if (!token) throw new OAuthError('invalid_request', 'The token parameter is required.')
        const entry = deps.state.tokens.get(token)
        const consent = entry && deps.state.consents.get(entry.consentId)
        if (entry && consent?.bankId === bankId) {
          deps.state.tokens.delete(token)
          if (entry.kind === 'refresh') revokeConsent(deps, consent, 'platform')
        }
        return c.body(null, 200)
      }),
    ),
  )

  return app
}

type Form = Record<string, string>

function grant(deps: Deps, bankId: string, form: Form) {
  switch (form.grant_type) {
    case 'authorization_code':
      if (!form.code) throw new OAuthError('invalid_request', 'The code parameter is required.')
      return exchangeCode(deps, bankId, form.code, form.redirect_uri)
    case 'refresh_token':
      if (!form.refresh_token)
        throw new OAuthError('invalid_request', 'The refresh_token parameter is required.')
      return refreshTokens(deps, bankId, form.refresh_token)
    case undefined:
      throw new OAuthError('invalid_request', 'The grant_type parameter is required.')
    default:
      throw new OAuthError('unsupported_grant_type', 'Use authorization_code or refresh_token.')
  }
}
