import { type OpenAPIHono, z } from '@hono/zod-openapi'

type OpenAPIRegistry = OpenAPIHono['openAPIRegistry']

// The OAuth endpoints take forms and answer RFC 6749 errors, so they are plain routes;
// this registers their documentation in the OpenAPI document all the same.

const OAuthErrorBody = z
  .object({
    error: z.enum([
      'invalid_request',
      'invalid_client',
      'invalid_grant',
      'unsupported_grant_type',
      'invalid_dpop_proof',
      'use_dpop_nonce',
    ]),
    error_description: z.string(),
  })
  .openapi('OAuthError')

const TokenResponse = z
  .object({
    access_token: z.string(),
    token_type: z.enum(['Bearer', 'DPoP']).openapi({ description: 'DPoP at a FAPI bank (summit)' }),
    expires_in: z.number().int().openapi({ example: 900 }),
    refresh_token: z.string(),
    scope: z.string().openapi({ example: 'accounts:read balances:read' }),
    consent_id: z.string().openapi({ example: 'cns_000001' }),
  })
  .openapi('TokenResponse')

const TokenRequest = z.object({
  grant_type: z.enum(['authorization_code', 'refresh_token']),
  code: z.string().optional(),
  redirect_uri: z.string().optional(),
  refresh_token: z.string().optional(),
  code_verifier: z.string().optional().openapi({ description: 'FAPI banks: the PKCE verifier' }),
  client_assertion_type: z.string().optional().openapi({ description: 'FAPI banks: private_key_jwt' }),
  client_assertion: z.string().optional(),
})

const AuthorizeQuery = z.object({
  response_type: z.literal('code'),
  client_id: z.string(),
  redirect_uri: z.string(),
  scope: z.string().openapi({ description: 'Space-separated scopes' }),
  state: z.string().optional(),
  purpose: z.string().openapi({ example: 'account_servicing' }),
})

const bankId = z.string().openapi({ param: { name: 'bankId', in: 'path' }, example: 'harbor' })
const form = (schema: z.ZodType) => ({ content: { 'application/x-www-form-urlencoded': { schema } } })
const oauthErrors = {
  400: { description: 'RFC 6749 error', content: { 'application/json': { schema: OAuthErrorBody } } },
  401: {
    description: 'Client authentication failed',
    content: { 'application/json': { schema: OAuthErrorBody } },
  },
}

// Every schema given .openapi() is kept for good in zod-to-openapi's registry (a Map, not a
// WeakMap), so those are made once here, never per app: each world builds an app.
export function registerOAuthDocs(registry: OpenAPIRegistry): void {
  registry.registerComponent('securitySchemes', 'clientBasic', { type: 'http', scheme: 'basic' })
  registry.registerPath({
    method: 'get',
    path: '/banks/{bankId}/oauth/authorize',
    tags: ['OAuth'],
    summary: 'The consent screen a customer sees after tapping a link',
    request: {
      params: z.object({ bankId }),
      query: AuthorizeQuery,
    },
    responses: {
      200: { description: 'HTML consent page; approving redirects to redirect_uri with code and state' },
    },
  })
  registry.registerPath({
    method: 'post',
    path: '/banks/{bankId}/oauth/token',
    tags: ['OAuth'],
    summary:
      'Exchange a code or rotate a refresh token (HTTP Basic client auth; at a FAPI bank private_key_jwt and a DPoP header)',
    security: [{ clientBasic: [] }],
    request: { params: z.object({ bankId }), body: form(TokenRequest) },
    responses: {
      200: { description: 'Tokens', content: { 'application/json': { schema: TokenResponse } } },
      ...oauthErrors,
    },
  })
  registry.registerPath({
    method: 'post',
    path: '/banks/{bankId}/oauth/revoke',
    tags: ['OAuth'],
    summary: 'RFC 7009 revocation; revoking a refresh token ends the consent',
    security: [{ clientBasic: [] }],
    request: {
      params: z.object({ bankId }),
      body: form(z.object({ token: z.string(), token_type_hint: z.string().optional() })),
    },
    responses: { 200: { description: 'Revoked (also for unknown tokens)' }, ...oauthErrors },
  })
}
