import { readFileSync } from 'node:fs'
import type { z } from '@hono/zod-openapi'
import { describe, expect, test } from 'vitest'
import { createTestSandbox } from './support/helpers.ts'

// Every JSON example in docs/integration-guide.md parses with the schema it illustrates: the
// schema the OpenAPI document gives that route's answer or that webhook's body, which is the
// one the sandbox's own answers and payloads are held to. Each ```json fence follows a
// comment naming what it shows:
//
//   <!-- schema: webhook fraud.alert.created -->        a webhook's body (`webhooks` in /openapi.json)
//   <!-- schema: GET /sandbox/credentials 200 -->        a route's answer with that status
//   <!-- schema: request POST /platform/v1/messages -->  a route's JSON request body
//   <!-- schema: problem -->                             an application/problem+json answer
//   <!-- schema: none (fragment) -->                     a fragment no schema describes (keep these few)
//
// An example must parse and come back whole: zod drops the fields a schema does not name, so
// a field the document does not describe fails the comparison. EXPECTED counts the examples
// of each kind, so one that loses its comment, or disappears, is noticed too.

const EXPECTED: Record<string, number> = {
  'GET /sandbox/credentials 200': 1,
  'POST /banks/{bankId}/oauth/token 200': 2,
  'POST /banks/{bankId}/oauth/token 400': 1,
  'POST /banks/{bankId}/oauth/par 201': 1,
  'GET /.well-known/oauth-authorization-server/banks/{bankId} 200': 1,
  'request PUT /sandbox/banks/{bankId}/clients/{clientId}/jwks': 1,
  'none (fragment)': 2,
  'GET /banks/{bankId}/v1/accounts/{accountId}/balances 200': 1,
  'GET /banks/{bankId}/v1/accounts/{accountId}/transactions 200': 1,
  problem: 4,
  'POST /banks/{bankId}/v1/cards/{cardId}/freeze 200': 1,
  'request POST /banks/{bankId}/v1/disputes': 1,
  'POST /banks/{bankId}/v1/disputes 201': 1,
  'webhook dispute.updated': 1,
  'request POST /platform/v1/messages': 2,
  'webhook platform.message': 2,
  'webhook messaging_optins': 1,
  'webhook platform.standby': 1,
  'webhook messaging_handovers': 1,
  'webhook fraud.alert.created': 1,
  'webhook fraud.alert.updated': 1,
  'webhook card.status.changed': 1,
  'webhook consent.revoked': 1,
  'webhook consent.expiring': 1,
  'webhook consent.expired': 1,
  'webhook transactions.available': 1,
  'webhook partnership.terminating': 1,
  'webhook partnership.terminated': 1,
  'webhook partnership.restored': 1,
}

const FRAGMENT = 'none (fragment)'
const MAPPING = /^<!-- schema: (.+?) -->$/

interface Example {
  /** 1-based line of the opening fence. */
  line: number
  /** What the preceding comment names, or null when there is none. */
  key: string | null
  text: string
}

interface Fence {
  line: number
  language: string
  text: string
  /** The nearest non-blank line before the fence. */
  before: string
}

function fencesOf(markdown: string): Fence[] {
  const lines = markdown.split('\n')
  const fences: Fence[] = []
  let before = ''
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? ''
    const open = /^```(\S*)\s*$/.exec(line)
    if (!open) {
      if (line.trim() !== '') before = line.trim()
      continue
    }
    const start = i
    const body: string[] = []
    for (i++; i < lines.length && (lines[i] ?? '').trim() !== '```'; i++) body.push(lines[i] ?? '')
    if (i >= lines.length) throw new Error(`The fence at line ${start + 1} is never closed`)
    fences.push({ line: start + 1, language: open[1] ?? '', text: body.join('\n'), before })
    before = '```'
  }
  return fences
}

const guide = readFileSync(new URL('../docs/integration-guide.md', import.meta.url), 'utf8')
const fences = fencesOf(guide)
const examples: Example[] = fences
  .filter((fence) => fence.language === 'json')
  .map((fence) => ({ line: fence.line, key: MAPPING.exec(fence.before)?.[1] ?? null, text: fence.text }))

// Every schema the OpenAPI document describes, as zod: routes and webhooks alike.
type Content = Record<string, { schema?: unknown }> | undefined
interface Definition {
  type: string
  route?: {
    method: string
    path: string
    request?: { body?: { content?: Content } }
    responses?: Record<string, { content?: Content }>
  }
  webhook?: { path: string; request?: { body?: { content?: Content } } }
}
const definitions = (createTestSandbox().app.openAPIRegistry.definitions ?? []) as unknown as Definition[]

const isSchema = (value: unknown): value is z.ZodType =>
  typeof (value as { safeParse?: unknown } | undefined)?.safeParse === 'function'

/** The one problem+json schema every route's errors share. */
function problemSchema(): z.ZodType {
  const schemas = new Set<unknown>()
  for (const { route } of definitions)
    for (const response of Object.values(route?.responses ?? {}))
      schemas.add(response.content?.['application/problem+json']?.schema)
  schemas.delete(undefined)
  if (schemas.size !== 1) throw new Error(`Expected one problem+json schema, found ${schemas.size}`)
  const [schema] = schemas
  if (!isSchema(schema)) throw new Error('The problem+json schema is not a zod schema')
  return schema
}

function schemaFor(key: string): z.ZodType {
  if (key === 'problem') return problemSchema()
  const words = key.split(' ')
  let schema: unknown
  if (words[0] === 'webhook' && words.length === 2) {
    const found = definitions.find((d) => d.type === 'webhook' && d.webhook?.path === words[1])
    schema = found?.webhook?.request?.body?.content?.['application/json']?.schema
  } else if (words[0] === 'request' && words.length === 3) {
    const [, method = '', path] = words
    const found = definitions.find((d) => d.route?.method === method.toLowerCase() && d.route.path === path)
    schema = found?.route?.request?.body?.content?.['application/json']?.schema
  } else if (words.length === 3) {
    const [method = '', path, status = ''] = words
    const found = definitions.find((d) => d.route?.method === method.toLowerCase() && d.route.path === path)
    schema = found?.route?.responses?.[status]?.content?.['application/json']?.schema
  }
  if (!isSchema(schema)) throw new Error(`No schema in the OpenAPI document for "${key}"`)
  return schema
}

describe('the integration guide’s JSON examples', () => {
  test('every ```json fence follows a schema comment, and every comment a ```json fence', () => {
    expect(examples.filter((example) => example.key === null).map((example) => example.line)).toEqual([])
    const stray = fences.filter((fence) => MAPPING.test(fence.before) && fence.language !== 'json')
    expect(stray.map((fence) => fence.line)).toEqual([])
    const comments = guide.split('\n').filter((line) => MAPPING.test(line.trim())).length
    expect(comments).toBe(examples.length)
  })

  test('no JSON example hides in a fence of another language', () => {
    const parses = (text: string) => {
      try {
        return typeof JSON.parse(text) === 'object'
      } catch {
        return false
      }
    }
    const hidden = fences.filter((fence) => fence.language !== 'json' && parses(fence.text))
    expect(hidden.map((fence) => fence.line)).toEqual([])
  })

  test('the examples are the ones counted: none lost its mapping, none went missing', () => {
    const counted: Record<string, number> = {}
    for (const { key } of examples) if (key !== null) counted[key] = (counted[key] ?? 0) + 1
    expect(counted).toEqual(EXPECTED)
    expect(examples.length).toBe(36)
  })

  test.each(examples.filter((example) => example.key !== FRAGMENT))(
    'line $line ($key) parses with its schema, field for field',
    ({ key, text }) => {
      const example: unknown = JSON.parse(text)
      const result = schemaFor(key ?? '').safeParse(example)
      expect(result.error?.issues ?? []).toEqual([])
      expect(result.data).toEqual(example)
    },
  )
})
