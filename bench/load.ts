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
  /** The server's CPU seconds per answered request over the measured run; null when not read. */
  cpuSecondsPerRequest: number | null
}

/** `serverCpu` reads the server's CPU seconds so far (process-cpu.ts), to cost each request. */
export async function load(
  url: string,
  headers: Record<string, string>,
  options = DEFAULT_LOAD,
  serverCpu: () => number | null = () => null,
): Promise<LoadResult> {
  // The warm-up is a run of its own, so that the server's CPU is read over the measured run alone.
  if (options.warmupSeconds > 0) {
    await autocannon({ url, headers, connections: options.connections, duration: options.warmupSeconds })
  }
  const cpuBefore = serverCpu()
  const run = autocannon({
    url,
    headers,
    connections: options.connections,
    pipelining: 1,
    duration: options.seconds,
  })
  // autocannon's own percentiles are whole milliseconds, and a bare server answers in
  // well under one, so p99 is taken from the fractional times of each response.
  const latencies: number[] = []
  run.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime)
  })
  const result = await run
  const cpuAfter = serverCpu()
  const answered = result.requests.total
  return {
    requestsPerSecond: answered / result.duration,
    p99Ms: percentile(latencies, 0.99),
    failures: result.non2xx + result.errors + result.timeouts,
    cpuSecondsPerRequest:
      cpuBefore === null || cpuAfter === null || answered === 0 ? null : (cpuAfter - cpuBefore) / answered,
  }
}

function percentile(values: number[], fraction: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = Float64Array.from(values).sort()
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? Number.NaN
}
