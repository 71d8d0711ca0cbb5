import { clientAuthorization, type VerificationSandbox } from './harness.ts'
import { produceMessage } from './messages.ts'
import { setUpState, UnknownStateError } from './state-lookup.ts'

// Pact JS's request filter sees every request its Verifier proxies to the sandbox,
// including the core's provider-state and message calls, before Pact JS's own handlers.
// Those answer 200 when a state handler throws and only warn about a state they have
// no handler for; answering here instead makes a failing or unknown state a 500, which
// fails the interaction in Pact's report, and records why.

/** Where Pact JS's Verifier tells the core to post state changes and message requests. */
const STATE_CHANGE_PATH = '/_pactSetup'
const MESSAGE_PATH = '/_messages'

interface ProxyRequest {
  method: string
  path: string
  headers: Record<string, string | string[] | undefined>
  body: unknown
}
interface ProxyResponse {
  status(code: number): ProxyResponse
  json(body: unknown): void
}

/** Pact JS's request filter: provider states, messages, then every request to the sandbox. */
export function pactHooks(sandbox: VerificationSandbox, problems: Set<string>) {
  const answer = (res: ProxyResponse, work: Promise<unknown>) =>
    work.then(
      (value) => res.json(value ?? {}),
      (error: unknown) => {
        const message = error instanceof Error ? error.message : String(error)
        problems.add(message)
        res.status(500).json({ error: message })
      },
    )

  return (req: ProxyRequest, res: ProxyResponse, next: () => void) => {
    if (req.method === 'POST' && req.path === STATE_CHANGE_PATH) {
      const change = (req.body ?? {}) as { state?: string; action?: string; params?: Record<string, unknown> }
      // Nothing to undo: the next interaction starts from a fresh world (beforeEach).
      if (change.action === 'teardown') return void res.json({})
      const setup = setUpState(sandbox, change.state ?? '', change.params ?? {}).catch((error: unknown) => {
        if (error instanceof UnknownStateError) throw error
        throw new Error(`State "${change.state}": ${error instanceof Error ? error.message : error}`)
      })
      return void answer(res, setup)
    }
    if (req.method === 'POST' && req.path === MESSAGE_PATH) {
      const { description = '' } = (req.body ?? {}) as { description?: string }
      return void answer(res, produceMessage(sandbox, description))
    }
    useSandboxCredentials(sandbox, req)
    next()
  }
}

/**
 * What a pact cannot carry: the sandbox's own credentials (per process, not part of any
 * contract) and state values inside form bodies, which Pact's core cannot generate
 * there. A form body is re-encoded as a form: Pact JS's proxy would send it as JSON.
 */
function useSandboxCredentials(sandbox: VerificationSandbox, req: ProxyRequest): void {
  const authorization = String(req.headers.authorization ?? '')
  if (/\/oauth\/(token|revoke)$/.test(req.path) && authorization.startsWith('Basic '))
    req.headers.authorization = clientAuthorization(sandbox.deps)
  if (req.path.startsWith('/platform/') && /^Bearer /i.test(authorization))
    req.headers.authorization = `Bearer ${sandbox.deps.credentials.platform.pageToken}`

  const type = String(req.headers['content-type'] ?? '')
  if (!type.startsWith('application/x-www-form-urlencoded') || typeof req.body !== 'object' || !req.body)
    return
  const form = Object.fromEntries(
    Object.entries(req.body as Record<string, unknown>).map(([key, value]) => [key, String(value)]),
  )
  const { code, refreshToken } = sandbox.context
  if (req.path.endsWith('/oauth/token')) {
    if (form.grant_type === 'authorization_code' && code) form.code = code
    if (form.grant_type === 'refresh_token' && refreshToken) form.refresh_token = refreshToken
  }
  const body = Buffer.from(new URLSearchParams(form).toString())
  req.body = body
  req.headers['content-length'] = String(body.length)
}
