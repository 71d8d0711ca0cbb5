// The one catalogue of RFC 9457 problems. Each entry fixes type, title, status and a
// stable `code`; call sites add only a `detail`, which must never echo input.

export type ProblemCode =
  | 'invalid_request'
  | 'invalid_token'
  | 'invalid_dpop_proof'
  | 'use_dpop_nonce'
  | 'consent_revoked'
  | 'consent_expired'
  | 'insufficient_scope'
  | 'partnership_terminated'
  | 'purpose_not_permitted'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'run_in_progress'
  | 'card_frozen'
  | 'dispute_not_allowed'
  | 'misdirected_request'
  | 'request_timeout'
  | 'payload_too_large'
  | 'headers_too_large'
  | 'rate_limited'
  | 'bank_unavailable'
  | 'unavailable'
  | 'internal'
  | 'outside_window'
  | 'thread_owned'
  | 'tag_not_allowed'

const catalogue: Record<ProblemCode, { status: number; title: string }> = {
  invalid_request: { status: 400, title: 'The request is not valid' },
  invalid_token: { status: 401, title: 'The access token is missing, unknown or expired' },
  invalid_dpop_proof: { status: 401, title: 'The DPoP proof is missing or not valid' },
  use_dpop_nonce: { status: 401, title: 'The DPoP proof must carry the server nonce' },
  consent_revoked: { status: 401, title: 'The consent behind this token was revoked' },
  consent_expired: { status: 401, title: 'The consent behind this token has expired' },
  insufficient_scope: { status: 403, title: 'The consent does not cover this resource' },
  partnership_terminated: { status: 403, title: 'The bank has ended its partnership with the platform' },
  purpose_not_permitted: { status: 403, title: 'This purpose is never permitted' },
  forbidden: { status: 403, title: 'Not allowed' },
  not_found: { status: 404, title: 'No such resource' },
  method_not_allowed: { status: 405, title: 'Method not allowed on this resource' },
  run_in_progress: { status: 409, title: 'A scenario run is in progress in this world' },
  card_frozen: { status: 409, title: 'The card is frozen: the bank declines every charge on it' },
  dispute_not_allowed: { status: 409, title: 'This transaction cannot be disputed' },
  misdirected_request: { status: 421, title: 'This server does not answer for that host' },
  request_timeout: { status: 408, title: 'The request did not arrive in time' },
  payload_too_large: { status: 413, title: 'The request body is too large' },
  headers_too_large: { status: 431, title: 'The request headers are too large' },
  rate_limited: { status: 429, title: 'Too many requests' },
  bank_unavailable: { status: 503, title: 'The bank is unavailable' },
  unavailable: { status: 503, title: "The sandbox's store is unavailable" },
  internal: { status: 500, title: 'Internal error' },
  outside_window: { status: 400, title: 'The message is outside the messaging window' },
  thread_owned: { status: 403, title: 'Another app owns this conversation' },
  tag_not_allowed: { status: 403, title: 'This message tag is not allowed for this sender' },
}

export interface FieldError {
  path: string
  message: string
}

export interface ProblemBody {
  type: string
  title: string
  status: number
  detail: string
  code: ProblemCode
  errors?: FieldError[]
  /** Messenger's own error member, on the messaging platform's policy refusals. */
  error?: { code: number; message: string }
}

// A URN, not a URL: the sandbox runs offline, so a link would lead nowhere.
export const PROBLEM_TYPE_BASE = 'urn:bank-sandbox:problem:'

export class Problem extends Error {
  readonly code: ProblemCode
  readonly status: number
  readonly errors: FieldError[] | undefined
  readonly headers: Record<string, string>
  readonly platformError: ProblemBody['error']

  constructor(
    code: ProblemCode,
    detail: string,
    extra: { errors?: FieldError[]; headers?: Record<string, string>; error?: ProblemBody['error'] } = {},
  ) {
    super(detail)
    this.code = code
    this.status = catalogue[code].status
    this.errors = extra.errors
    this.headers = extra.headers ?? {}
    this.platformError = extra.error
  }

  toBody(): ProblemBody {
    const body: ProblemBody = {
      type: PROBLEM_TYPE_BASE + this.code,
      title: catalogue[this.code].title,
      status: this.status,
      detail: this.message,
      code: this.code,
    }
    if (this.errors) body.errors = this.errors
    if (this.platformError) body.error = this.platformError
    return body
  }
}

export function problemStatus(code: ProblemCode): number {
  return catalogue[code].status
}

/** Shorthands so call sites read as sentences: `throw problems.notFound('No such account')`. */
export const problems = {
  invalidRequest: (detail: string, errors?: FieldError[]) =>
    new Problem('invalid_request', detail, errors ? { errors } : {}),
  invalidToken: (detail: string) =>
    new Problem('invalid_token', detail, { headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } }),
  /** RFC 9449 §7.1 and §9: the DPoP scheme's challenge, with the current nonce for a fresh proof. */
  dpop: (code: 'invalid_dpop_proof' | 'use_dpop_nonce' | 'invalid_token', detail: string, nonce: string) =>
    new Problem(code, detail, {
      headers: {
        'WWW-Authenticate': `DPoP error="${code}", algs="ES256 PS256"`,
        'DPoP-Nonce': nonce,
      },
    }),
  consentRevoked: () => new Problem('consent_revoked', 'Ask the customer to link the bank again.'),
  consentExpired: () => new Problem('consent_expired', 'Ask the customer to renew the link to the bank.'),
  insufficientScope: (scope: string) =>
    new Problem(
      'insufficient_scope',
      `This call needs the ${scope} scope, which the consent does not grant.`,
    ),
  partnershipTerminated: (bankId: string) =>
    new Problem('partnership_terminated', `The bank ${bankId} no longer works with this platform.`),
  purposeNotPermitted: () =>
    new Problem('purpose_not_permitted', 'Customer data may never be used for advertising.'),
  forbidden: (detail: string) => new Problem('forbidden', detail),
  notFound: (detail: string) => new Problem('not_found', detail),
  misdirectedRequest: (detail: string) => new Problem('misdirected_request', detail),
  runInProgress: (detail: string) => new Problem('run_in_progress', detail),
  cardFrozen: (detail: string) => new Problem('card_frozen', detail),
  disputeNotAllowed: (detail: string) => new Problem('dispute_not_allowed', detail),
  payloadTooLarge: (limitBytes: number, headers: Record<string, string> = {}) =>
    new Problem('payload_too_large', `Request bodies may be at most ${limitBytes} bytes.`, { headers }),
  requestTimeout: (seconds: number) =>
    new Problem('request_timeout', `A whole request must arrive within ${seconds} s.`, {
      headers: { Connection: 'close' },
    }),
  rateLimited: (retryAfterSeconds: number) =>
    new Problem('rate_limited', `Retry after ${retryAfterSeconds} s.`, {
      headers: { 'Retry-After': String(retryAfterSeconds) },
    }),
  bankUnavailable: (detail: string) => new Problem('bank_unavailable', detail),
  unavailable: (detail: string, retryAfterSeconds: number) =>
    new Problem('unavailable', `${detail} Retry after ${retryAfterSeconds} s.`, {
      headers: { 'Retry-After': String(retryAfterSeconds) },
    }),
}
