import { createECDH, createHmac } from 'node:crypto'
import type { Credentials } from '../../credentials.ts'
import type { Deps } from '../../deps.ts'
import type { PublicJwk } from '../../store/state.ts'

// The keys a client's private_key_jwt assertions are checked against at a FAPI bank: the
// JWK Set it registered (PUT /sandbox/banks/{bankId}/clients/{clientId}/jwks), else, for
// the sandbox's own client, a P-256 key the sandbox derives from the client secret, so the
// built-in integrations have one without registering and it survives a restart.

const P256_ORDER = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551')

export const BUILT_IN_KEY_ID = 'built-in'

const keyOf = (bankId: string, clientId: string) => `${bankId}/${clientId}`

export function clientKeys(deps: Deps, bankId: string, clientId: string): PublicJwk[] {
  const registered = deps.state.clientKeys.get(keyOf(bankId, clientId))
  if (registered) return registered.keys
  if (clientId !== deps.credentials.clientId) return []
  const { d: _, ...publicKey } = builtInClientKey(deps.credentials)
  return [publicKey]
}

export function registerClientKeys(deps: Deps, bankId: string, clientId: string, keys: PublicJwk[]): void {
  deps.state.clientKeys.set(keyOf(bankId, clientId), { keys, registeredAtMs: deps.clock.now() })
}

/** The built-in client's private key as a JWK (ES256), derived from its secret. */
export function builtInClientKey(credentials: Credentials): PublicJwk & { d: string } {
  for (let round = 0; ; round++) {
    const d = createHmac('sha256', credentials.clientSecret).update(`fapi-client-key:${round}`).digest()
    const scalar = BigInt(`0x${d.toString('hex')}`)
    if (scalar === 0n || scalar >= P256_ORDER) continue
    const ecdh = createECDH('prime256v1')
    ecdh.setPrivateKey(d)
    const point = ecdh.getPublicKey()
    return {
      kty: 'EC',
      crv: 'P-256',
      kid: BUILT_IN_KEY_ID,
      alg: 'ES256',
      use: 'sig',
      x: point.subarray(1, 33).toString('base64url'),
      y: point.subarray(33, 65).toString('base64url'),
      d: d.toString('base64url'),
    }
  }
}
