import { type OpenAPIHono, z } from '@hono/zod-openapi'

type OpenAPIRegistry = OpenAPIHono['openAPIRegistry']

// The documentation of a FAPI bank's own endpoints (§15). Like the other OAuth endpoints
// they take forms and answer RFC 6749 errors, so they are plain routes documented here;
// the schemas are made once, never per app (see oauth-docs.ts).

const FapiError = z
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
  .openapi('FapiOAuthError')

const ParRequest = z.object({
  response_type: z.literal('code'),
  client_id: z.string(),
  redirect_uri: z.string(),
  scope: z.string(),
  state: z.string().optional(),
  purpose: z.string().openapi({ example: 'account_servicing' }),
  code_challenge: z.string().openapi({ description: 'base64url SHA-256 of the code_verifier' }),
  code_challenge_method: z.literal('S256'),
  client_assertion_type: z.literal('urn:ietf:params:oauth:client-assertion-type:jwt-bearer'),
  client_assertion: z.string().openapi({ description: 'private_key_jwt: ES256 or PS256, aud the issuer' }),
})

const ParResponse = z
  .object({
    request_uri: z.string().openapi({ example: 'urn:ietf:params:oauth:request_uri:par_…' }),
    expires_in: z.literal(60),
  })
  .openapi('PushedAuthorizationResponse')

const Metadata = z
  .object({
    issuer: z.string(),
    pushed_authorization_request_endpoint: z.string(),
    require_pushed_authorization_requests: z.literal(true),
    authorization_endpoint: z.string(),
    token_endpoint: z.string(),
    revocation_endpoint: z.string(),
    response_types_supported: z.array(z.string()),
    grant_types_supported: z.array(z.string()),
    code_challenge_methods_supported: z.array(z.string()),
    token_endpoint_auth_methods_supported: z.array(z.string()),
    token_endpoint_auth_signing_alg_values_supported: z.array(z.string()),
    revocation_endpoint_auth_methods_supported: z.array(z.string()),
    dpop_signing_alg_values_supported: z.array(z.string()),
    authorization_response_iss_parameter_supported: z.literal(true),
    scopes_supported: z.array(z.string()),
  })
  .openapi('AuthorizationServerMetadata')

const bankId = z.string().openapi({ param: { name: 'bankId', in: 'path' }, example: 'summit' })
const errors = {
  400: { description: 'RFC 6749 / RFC 9449 error', content: { 'application/json': { schema: FapiError } } },
  401: { description: 'private_key_jwt failed', content: { 'application/json': { schema: FapiError } } },
}

export function registerFapiDocs(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'post',
    path: '/banks/{bankId}/oauth/par',
    tags: ['FAPI 2.0'],
    summary: 'Pushed authorization request (RFC 9126), FAPI banks only: PKCE S256 and private_key_jwt',
    request: {
      params: z.object({ bankId }),
      body: { content: { 'application/x-www-form-urlencoded': { schema: ParRequest } } },
    },
    responses: {
      201: {
        description: 'A single-use request_uri for the authorize link',
        content: { 'application/json': { schema: ParResponse } },
      },
      ...errors,
    },
  })
  registry.registerPath({
    method: 'get',
    path: '/.well-known/oauth-authorization-server/banks/{bankId}',
    tags: ['FAPI 2.0'],
    summary: 'Authorization server metadata (RFC 8414) of a FAPI bank',
    request: { params: z.object({ bankId }) },
    responses: {
      200: { description: 'Metadata', content: { 'application/json': { schema: Metadata } } },
    },
  })
}
