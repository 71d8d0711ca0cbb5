import { createServer } from 'node:http'
import { announce, readAnswers } from './replay.ts'

// The baseline: a bare node:http server that answers, from memory, the bytes the sandbox
// answered. Whatever the sandbox spends beyond this is framework, routing, auth, world
// lookups and JSON building. Run as a child; reads the recorded responses on stdin.

const answers = await readAnswers()

const server = createServer((req, res) => {
  const answer = answers.get(req.url ?? '')
  if (!answer) {
    res.writeHead(404).end()
    return
  }
  res.writeHead(answer.status, { 'Content-Type': answer.contentType, 'Content-Length': answer.body.length })
  res.end(answer.body)
})

server.listen(0, '127.0.0.1', () => announce(server.address()))
