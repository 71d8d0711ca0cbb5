// Before a run, and when a run goes wrong, the runner asks whether the integration is
// there at all: an unsigned platform delivery must be refused. A dead integration then
// fails within seconds, naming its URL, instead of passing a check that counts silence
// as refusal or failing a later step with a misleading cause.

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
  } catch {
    return `integration not reachable at ${integrationUrl}: nothing answered POST /webhooks/platform within ${PROBE_TIMEOUT_MS / 1000} s.`
  }
  if (status >= 400 && status < 500) return undefined
  return `the integration at ${integrationUrl} answered an unsigned platform delivery with ${status}; it must check X-Hub-Signature-256 and answer 401.`
}
