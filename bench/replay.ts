import type { AddressInfo } from 'node:net'
import { text } from 'node:stream/consumers'
import type { RecordedResponse } from './fixtures.ts'

// What the two baseline servers share: the sandbox's recorded answers, read as JSON from
// stdin and kept in memory as bytes, and the line that tells the bench where they listen.

export interface Answer {
  status: number
  contentType: string
  body: Uint8Array<ArrayBuffer>
}

/** Recorded answers by path and query, exactly as the load generator requests them. */
export async function readAnswers(): Promise<Map<string, Answer>> {
  const recorded = JSON.parse(await text(process.stdin)) as RecordedResponse[]
  return new Map(
    recorded.map((r) => [
      r.path,
      { status: r.status, contentType: r.contentType, body: new TextEncoder().encode(r.body) },
    ]),
  )
}

export function announce(address: AddressInfo | string | null): void {
  if (address === null || typeof address === 'string') throw new Error('expected a TCP address')
  process.stdout.write(`listening on http://127.0.0.1:${address.port}\n`)
}
