import { text } from 'node:stream/consumers'

// The delivery baseline: a bare fetch loop POSTing the sandbox's webhook body to the same
// receiver, as many at a time as one instance's connection pool lets it attempt, each
// with a webhook-id of its own. Run as a child; reads {url, count, inFlight, body} on
// stdin and prints the wall time of the whole batch.

const { url, count, inFlight, body } = JSON.parse(await text(process.stdin)) as {
  url: string
  count: number
  inFlight: number
  body: string
}

let next = 0
const started = performance.now()
await Promise.all(
  Array.from({ length: inFlight }, async () => {
    while (next < count) {
      const id = `bare_${next++}`
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'webhook-id': id },
        body,
        redirect: 'manual',
      })
      await res.arrayBuffer()
      if (res.status !== 204) throw new Error(`the receiver answered ${res.status}`)
    }
  }),
)
process.stdout.write(`${JSON.stringify({ ms: performance.now() - started })}\n`)
