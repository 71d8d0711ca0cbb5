import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { text } from 'node:stream/consumers'
import type { RecordedResponse } from './fixtures.ts'

// The baseline: a bare node:http server that answers, from memory, the bytes the sandbox
// answered. Whatever the sandbox spends beyond this is routing, auth, world lookups and
// JSON building. Run as a child; reads the recorded responses as JSON on stdin.

const recorded = JSON.parse(await text(process.stdin)) as RecordedResponse[]
const byPath = new Map(
  recorded.map((r) => [r.path, { status: r.status, body: Buffer.from(r.body), contentType: r.contentType }]),
)

const server = createServer((req, res) => {
  const answer = byPath.get(req.url ?? '')
  if (!answer) {
    res.writeHead(404).end()
    return
  }
  res.writeHead(answer.status, { 'Content-Type': answer.contentType, 'Content-Length': answer.body.length })
  res.end(answer.body)
})

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo
  process.stdout.write(`listening on http://127.0.0.1:${port}\n`)
})
