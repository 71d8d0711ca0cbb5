import autocannon from 'autocannon'

// One bounded autocannon run over loopback. The defaults keep a full HTTP section
// (2 endpoints × 2 servers × rounds) inside the bench's time budget on 2 cores.

export interface LoadOptions {
  connections: number
  warmupSeconds: number
  seconds: number
}

export const DEFAULT_LOAD: LoadOptions = { connections: 10, warmupSeconds: 1, seconds: 5 }

export interface LoadResult {
  requestsPerSecond: number
  p99Ms: number
  /** Non-2xx answers, errors and timeouts: any of these make the figures suspect. */
  failures: number
}

export async function load(
  url: string,
  headers: Record<string, string>,
  options = DEFAULT_LOAD,
): Promise<LoadResult> {
  const result = await autocannon({
    url,
    headers,
    connections: options.connections,
    pipelining: 1,
    duration: options.seconds,
    warmup: { connections: options.connections, duration: options.warmupSeconds },
  })
  return {
    requestsPerSecond: result.requests.total / result.duration,
    p99Ms: result.latency.p99,
    failures: result.non2xx + result.errors + result.timeouts,
  }
}
