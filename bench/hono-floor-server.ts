import type { IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { announce, readAnswers } from './replay.ts'

// The framework floor: the same recorded bytes from memory, but through one Hono route on
// @hono/node-server, as the sandbox is served. No middleware, no auth, no JSON building:
// no sandbox route can be faster than this, so it shows how much of the gap to the bare
// server is the framework's and how much is the sandbox's own.

const answers = await readAnswers()

const app = new Hono<{ Bindings: { incoming: IncomingMessage } }>()
app.get('*', (c) => {
  const answer = answers.get(c.env.incoming.url ?? '')
  if (!answer) return c.body(null, 404)
  return c.body(answer.body, answer.status as 200, { 'Content-Type': answer.contentType })
})

serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => announce(info))
