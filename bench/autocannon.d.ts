// autocannon ships no types and @types/autocannon is not a dependency (package.json is
// not ours to change), so this declares just the slice of its API the bench uses.
declare module 'autocannon' {
  export interface Options {
    url: string
    connections?: number
    /** Seconds. */
    duration?: number
    pipelining?: number
    headers?: Record<string, string>
    warmup?: { connections?: number; duration?: number }
  }

  export interface Stats {
    average: number
    /** Latency percentiles are whole milliseconds (the histogram's resolution). */
    p99: number
    total: number
  }

  export interface Result {
    /** Seconds actually measured (the warm-up excluded). */
    duration: number
    errors: number
    timeouts: number
    non2xx: number
    requests: Stats
    latency: Stats
  }

  /** The running load: emits per response (responseTime in fractional ms) and resolves with the result. */
  export interface Instance extends PromiseLike<Result> {
    on(
      event: 'response',
      listener: (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void,
    ): this
  }

  export default function autocannon(options: Options): Instance
}
