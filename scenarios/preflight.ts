// Before a run, after each step, and when a run goes wrong, the runner asks whether the
// integration is there at all: an unsigned platform delivery must be refused. A dead
// integration then fails within seconds, naming its URL, instead of passing a check that
// counts silence as refusal or failing a later step with a misleading cause.

const PROBE_TIMEOUT_MS = 3_000

/** Undefined when the integration answers as it should; otherwise why the run cannot go on. */
export async function probeIntegration(integrationUrl: string): Promise<string | undefined> {
  let status: number
  try {
    const res = await fetch(`${integrationUrl.replace(/\/$/, '')}/webhooks/platform`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ object: 'page', entry: [] }),
      redirect: 'manual',
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    })
    await res.body?.cancel()
    status = res.status
  } catch (error) {
    return `integration not reachable at ${integrationUrl}: ${whyNoAnswer(error)}.`
  }
  if (status >= 400 && status < 500) return undefined
  return `the integration at ${integrationUrl} answered an unsigned platform delivery with ${status}; it must check X-Hub-Signature-256 and answer 401.`
}

/** A timeout is silence; a connection that failed says how (a refusal comes at once). */
function whyNoAnswer(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError')
    return `nothing answered POST /webhooks/platform within ${PROBE_TIMEOUT_MS / 1000} s`
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined
  const code = typeof cause?.code === 'string' ? cause.code : undefined
  if (code === 'ECONNREFUSED') return 'the connection was refused (nothing listens there)'
  return `POST /webhooks/platform failed${code ? ` (${code})` : ''} before any answer`
}
