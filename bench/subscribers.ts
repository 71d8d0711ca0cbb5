import { type IncomingMessage, request } from 'node:http'

// Dashboard-style subscribers for the HTTP section, run as a child: `count` connections
// to GET /sandbox/events that read everything and throw it away, as open dashboards do.
// Like EventSource, one that is cut off comes back with Last-Event-ID (said on stderr,
// so the bench can report it). Prints "subscribed N" once every one has had its hello.
// Nothing is parsed while reading: the client shares a core with the load generator.

const [url = '', countArg = '100'] = process.argv.slice(2)
const count = Number(countArg)
let greeted = 0

function subscribe(lastEventId: string | null, first: boolean): void {
  const headers: Record<string, string> = lastEventId === null ? {} : { 'Last-Event-ID': lastEventId }
  const req = request(`${url}/sandbox/events`, { agent: false, headers }, (res: IncomingMessage) => {
    let last: Buffer | null = null
    res.on('data', (chunk: Buffer) => {
      last = chunk
      if (!first) return
      first = false
      if (++greeted === count) process.stdout.write(`subscribed ${count}\n`)
    })
    res.on('end', () => {
      process.stderr.write('resubscribed\n')
      subscribe(lastIdIn(last) ?? lastEventId, false)
    })
  })
  req.on('error', () => setTimeout(() => subscribe(lastEventId, first), 100))
  req.end()
}

/** The last id a chunk mentions: an event's `id:` line, or the one an overflow event names. */
function lastIdIn(chunk: Buffer | null): string | null {
  const text = chunk?.toString('utf8') ?? ''
  const ids = [...text.matchAll(/^id: (\d+)$|"lastEventId":(\d+)/gm)]
  const match = ids.at(-1)
  return match ? (match[1] ?? match[2] ?? null) : null
}

for (let i = 0; i < count; i++) subscribe(null, true)
