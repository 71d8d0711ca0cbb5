import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Deps } from '../../deps.ts'
import { errorResponse } from '../../http/errors.ts'
import { authenticate } from '../tokens.ts'
import { balanceJson, transactionsAnswer } from './account-reads.ts'
import { journalRecorder, type Recorder } from './bank-guards.ts'
import type { Served } from './env.ts'
import { oneServed, transactionsServed } from './served.ts'

// The two reads an integration makes most, a balance and a page of transactions, answered
// straight from node's request when nothing about the call is unusual: a bank with no
// faults injected and its partnership not ended, a good token whose consent covers the
// account, a plain path and query. Through the framework these cost about twice what
// answering them does (request and response objects, routing, a context per call), and
// they are what an integration under load makes most of. In a kept store the answer waits,
// as the app's does (keptFetch), for what other instances changed to be taken in before,
// and for its journal line to be kept after.
//
// Anything else declines, and the app answers it the whole way through: every refusal,
// error or fault, HEAD, a database away, an escaped or dotted path, a query with escapes. The answer and the journal line are built by the
// same code the routes use (account-reads.ts, bank-guards.ts), so the two ways in answer
// alike; test/hot-reads.test.ts holds them to the same bytes and journal.

/**
 * Bank and account ids are plain (letters, digits, `_`, `-`); a query holds no `%`, `+` or
 * `#`, so nothing in it reads differently once decoded, and no dot segment can move the path.
 */
const HOT_READ =
  /^\/banks\/([A-Za-z0-9_-]{1,64})\/v1\/accounts\/([A-Za-z0-9_-]{1,100})\/(balances|transactions)(?:\?([A-Za-z0-9_.=&-]*))?$/

/** The routes as the app's router names them, for the journal. */
const ROUTES = {
  balances: '/banks/:bankId/v1/accounts/:accountId/balances',
  transactions: '/banks/:bankId/v1/accounts/:accountId/transactions',
} as const

type Resource = keyof typeof ROUTES

/** The answer's bytes, or null to let the app answer. */
type HotReader = (
  bankId: string,
  accountId: string,
  resource: Resource,
  asked: string,
  authorization: string,
  path: string,
) => string | Uint8Array | null

declare module '../../deps.ts' {
  interface WorldMemory {
    /** The world's hot reader with its journal recorder, made on the first hot read. */
    hotReader?: HotReader
  }
}

type Listener = (req: IncomingMessage, res: ServerResponse) => void

/**
 * A request listener's first look: true when it answered the request (or will), false to
 * hand it to the app. `sandboxOf` finds the sandbox (default or a world) a token belongs
 * to. In a kept store the look is asynchronous: the request is taken, and handed to `app`
 * if it turns out unusual; without `app`, kept stores are declined at once.
 */
export function hotReads(
  sandboxOf: (authorization: string) => Deps | undefined,
  app?: Listener,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    if (req.method !== 'GET') return false
    const url = req.url ?? ''
    const match = HOT_READ.exec(url)
    if (match === null) return false
    const authorization = authorizationOf(req.rawHeaders)
    if (authorization === undefined) return false
    const deps = sandboxOf(authorization)
    if (deps === undefined) return false
    const [, bankId = '', accountId = '', resource, asked = ''] = match
    const query = url.indexOf('?')
    const path = query < 0 ? url : url.slice(0, query)
    const read = () => readerOf(deps)(bankId, accountId, resource as Resource, asked, authorization, path)
    if (deps.store.engine.kind === 'memory') {
      const body = read()
      if (body === null) return false
      answer(res, body)
      return true
    }
    if (app === undefined) return false
    answerKept(deps, read, res, () => app(req, res))
    return true
  }
}

function answer(res: ServerResponse, body: string | Uint8Array): void {
  const length = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': length })
  res.end(body)
}

/** keptFetch's order around a hot read: catch up, read, keep the journal line, answer. */
async function answerKept(
  deps: Deps,
  read: () => string | Uint8Array | null,
  res: ServerResponse,
  toApp: () => void,
): Promise<void> {
  const { store } = deps
  // A database away: the app answers the 503, as it does for every request meanwhile.
  if (store.engine.outage?.()) return toApp()
  let body: string | Uint8Array | null
  let since: number
  try {
    if (store.engine.changesFromOthers) await store.catchUp()
    since = store.mark()
    body = read()
  } catch {
    return toApp()
  }
  if (body === null) return toApp()
  try {
    await store.flushed(since)
  } catch (error) {
    // Read and journaled, but not kept: the answer the app would give after such a write.
    const problem = errorResponse(error)
    res.writeHead(problem.status, Object.fromEntries(problem.headers))
    res.end(Buffer.from(await problem.arrayBuffer()))
    return
  }
  answer(res, body)
}

/**
 * The Authorization header as `req.headers.authorization` reads it (the first one sent),
 * from the raw list: `req.headers` builds an object of every header on first use, which
 * costs a hot read as much as its own work does.
 */
export function authorizationOf(rawHeaders: readonly string[]): string | undefined {
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string
    if (name.length === 13 && name.toLowerCase() === 'authorization') return rawHeaders[i + 1]
  }
  return undefined
}

function readerOf(deps: Deps): HotReader {
  deps.memory.hotReader ??= hotReader(deps, journalRecorder(deps))
  return deps.memory.hotReader
}

function hotReader(deps: Deps, record: Recorder): HotReader {
  return (bankId, accountId, resource, asked, authorization, path) => {
    const partnership = deps.state.partnerships.get(bankId)
    if (deps.state.faults.get(bankId) || partnership?.status === 'terminated') return null
    const bank = deps.bank(bankId)
    // A FAPI bank's proofs are checked asynchronously, by the app.
    if (!bank || bank.profile === 'fapi2') return null
    const startedWallMs = deps.clock.wallNow()
    let body: string | Uint8Array
    let served: Served
    let consentId: string
    try {
      const consent = authenticate(deps, bank.id, authorization)
      consentId = consent.id
      if (resource === 'balances') {
        body = balanceJson(deps, consent, accountId)
        served = oneServed('balances:read')
      } else {
        const page = transactionsAnswer(deps, consent, accountId, asked, () => firstValues(asked))
        body = page.bytes
        served = transactionsServed(consent, page.items)
      }
    } catch {
      // A refusal or an error: the app answers it, with the problem it builds and journals.
      return null
    }
    record({
      startedWallMs,
      status: 200,
      bankId: bank.id,
      method: 'GET',
      route: ROUTES[resource],
      path,
      consentId,
      served,
    })
    return body
  }
}

/** A query as the app's router reads one without escapes: the first value of each name wins. */
function firstValues(query: string): Record<string, string> {
  const values: Record<string, string> = Object.create(null)
  for (const [name, value] of new URLSearchParams(query))
    if (name !== '' && !(name in values)) values[name] = value
  return values
}
