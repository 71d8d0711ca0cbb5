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
    p50: number
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

  export default function autocannon(options: Options): Promise<Result>
}
