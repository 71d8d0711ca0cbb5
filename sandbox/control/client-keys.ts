import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import { importJWK } from 'jose'
import { clientKeys, registerClientKeys } from '../bank/fapi/client-keys.ts'
import type { Deps } from '../deps.ts'
import { json, problemResponses } from '../http/openapi.ts'
import { problems } from '../http/problem.ts'
import { validationHook } from '../http/validate.ts'
import type { PublicJwk } from '../store/state.ts'

// A client's JWK Set at a FAPI bank: the public keys its private_key_jwt assertions are
// checked against. Only public members are taken; a key with a private part is refused.

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth']

const Jwk = z
  .object({ kty: z.string().max(10), kid: z.string().max(200).optional() })
  .catchall(z.unknown())
  .openapi('PublicJwk')
const Jwks = z.object({ keys: z.array(Jwk).min(1).max(10) }).openapi('JwkSet')
const Params = z.object({
  bankId: z.string().openapi({ example: 'summit' }),
  clientId: z.string().max(200).openapi({ example: 'platform-demo' }),
})

const tags = ['Control']
const putKeys = createRoute({
  method: 'put',
  path: '/sandbox/banks/{bankId}/clients/{clientId}/jwks',
  tags,
  summary: 'Register the client’s public keys (a JWK Set, ES256 or PS256) for private_key_jwt at a FAPI bank',
  request: { params: Params, body: { content: { 'application/json': { schema: Jwks } }, required: true } },
  responses: { 200: json(Jwks, 'The registered keys'), ...problemResponses(400, 404) },
})
const getKeys = createRoute({
  method: 'get',
  path: '/sandbox/banks/{bankId}/clients/{clientId}/jwks',
  tags,
  summary:
    'The keys a FAPI bank checks the client’s assertions against (the built-in key until others are registered)',
  request: { params: Params },
  responses: { 200: json(Jwks, 'The client’s keys'), ...problemResponses(400, 404) },
})

export function clientKeyRoutes(deps: Deps) {
  const app = new OpenAPIHono({ defaultHook: validationHook })

  const fapiClient = (bankId: string, clientId: string) => {
    const bank = deps.requireBank(bankId)
    if (bank.profile !== 'fapi2')
      throw problems.invalidRequest(`${bank.name} authenticates clients with HTTP Basic, not with keys.`)
    if (clientId !== deps.credentials.clientId) throw problems.notFound('No such client.')
    return bank
  }

  app.openapi(putKeys, async (c) => {
    const { bankId, clientId } = c.req.valid('param')
    const bank = fapiClient(bankId, clientId)
    const keys = c.req.valid('json').keys as PublicJwk[]
    for (const [index, key] of keys.entries()) await checkPublicKey(key, index)
    registerClientKeys(deps, bank.id, clientId, keys)
    return c.json({ keys }, 200)
  })

  app.openapi(getKeys, (c) => {
    const { bankId, clientId } = c.req.valid('param')
    const bank = fapiClient(bankId, clientId)
    return c.json({ keys: clientKeys(deps, bank.id, clientId) }, 200)
  })

  return app
}

async function checkPublicKey(key: PublicJwk, index: number): Promise<void> {
  const refuse = (message: string) =>
    problems.invalidRequest(`keys[${index}]: ${message}`, [{ path: `keys.${index}`, message }])
  if (key.kty !== 'EC' && key.kty !== 'RSA') throw refuse('Keys must be EC (P-256) or RSA.')
  if (PRIVATE_MEMBERS.some((member) => member in key)) throw refuse('Register public keys only.')
  const alg = key.kty === 'EC' ? 'ES256' : 'PS256'
  if (key.kty === 'EC' && key.crv !== 'P-256') throw refuse('EC keys must be P-256 (ES256).')
  if (key.alg !== undefined && key.alg !== alg) throw refuse(`A ${key.kty} key signs with ${alg} here.`)
  try {
    await importJWK(key, alg)
  } catch {
    throw refuse(`Not a usable ${alg} public key.`)
  }
}
