import { timingSafeEqual } from 'node:crypto'
import type { Context } from 'hono'
import type { Deps } from '../../deps.ts'
import { basicCredentials } from '../../http/basic-auth.ts'
import { OAuthError } from '../tokens.ts'

// Helpers for the token and revoke endpoints, which speak RFC 6749, not problem+json.

/** HTTP Basic client authentication (RFC 6749 §2.3.1). */
export function authenticateClient(deps: Deps, authorization: string | undefined): void {
  const fail = () => new OAuthError('invalid_client', 'Authenticate the client with HTTP Basic auth.', 401)
  const given = basicCredentials(authorization)
  if (!given) throw fail()
  const { id, secret } = given
  if (id !== deps.credentials.clientId || !sameSecret(secret, deps.credentials.clientSecret)) throw fail()
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

/** The form body as strings; anything but a urlencoded form is invalid_request. */
export async function formBody(c: Context): Promise<Record<string, string>> {
  const type = c.req.header('Content-Type') ?? ''
  if (!type.startsWith('application/x-www-form-urlencoded')) {
    throw new OAuthError('invalid_request', 'Send the parameters as application/x-www-form-urlencoded.')
  }
  const body = await c.req.parseBody()
  const form: Record<string, string> = {}
  for (const [key, value] of Object.entries(body)) if (typeof value === 'string') form[key] = value
  return form
}

export function oauthErrorResponse(c: Context, error: OAuthError): Response {
  if (error.status === 401) c.header('WWW-Authenticate', 'Basic realm="bank-sandbox"')
  c.header('Cache-Control', 'no-store')
  return c.json({ error: error.error, error_description: error.description }, error.status)
}
