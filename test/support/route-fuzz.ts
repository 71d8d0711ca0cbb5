import fc from 'fast-check'
import { escaped, hostileText, plainText, urlValue, wrongType } from './hostile.ts'

// Hostile requests for every route an OpenAPI document lists: path segments, query values,
// headers and bodies made of NUL, lone surrogates, dot segments, raw escapes, huge strings,
// wrong types and well-formed values the routes accept (so a request can get past its
// validation and into the code behind it). raw-request.ts sends them byte for byte.

type Schema = {
  $ref?: string
  type?: string | string[]
  enum?: unknown[]
  const?: unknown
  example?: unknown
  minimum?: number
  maximum?: number
  items?: Schema
  properties?: Record<string, Schema>
  required?: string[]
  anyOf?: Schema[]
  oneOf?: Schema[]
  allOf?: Schema[]
}

interface OpenApiOperation {
  parameters?: { name: string; in: string }[]
  requestBody?: { content?: Record<string, { schema?: Schema }> }
  responses?: Record<string, { content?: Record<string, unknown> }>
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>
  components?: { schemas?: Record<string, Schema> }
}

export interface Operation {
  method: string
  path: string
  query: string[]
  body: { type: 'json' | 'form'; schema: Schema | undefined } | null
}

export interface FuzzRequest {
  /** Which of the instances under test answers it. */
  target: number
  /** The operation it is for, as "METHOD /path". */
  route: string
  method: string
  path: string
  headers: Record<string, string>
  body: string | Buffer | undefined
}

/** Real values for path parameters and credentials, so some requests reach past a 404 or a 401. */
export interface Known {
  params: Record<string, string[]>
  bankToken: string
  pageToken: string
  basic: string
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete']

/** Every operation, but those `skip` names ("METHOD /path"). */
export function operationsOf(document: OpenApiDocument, skip: readonly string[]): Operation[] {
  const operations: Operation[] = []
  for (const [path, byMethod] of Object.entries(document.paths))
    for (const [method, operation] of Object.entries(byMethod)) {
      if (!METHODS.includes(method) || skip.includes(`${method.toUpperCase()} ${path}`)) continue
      const content = operation.requestBody?.content ?? {}
      const type = content['application/json']
        ? 'json'
        : content['application/x-www-form-urlencoded']
          ? 'form'
          : null
      const schema = content['application/json']?.schema
      operations.push({
        method: method.toUpperCase(),
        path,
        query: (operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
        body: type === null ? null : { type, schema },
      })
    }
  return operations
}

/**
 * Values shaped by the schema. Hostile: hostile text and wrong types among well-formed ones;
 * else plausible throughout, so that some bodies get past validation into the code behind.
 */
function fromSchema(
  schema: Schema | undefined,
  document: OpenApiDocument,
  hostile: boolean,
  depth = 0,
): fc.Arbitrary<unknown> {
  if (!schema || depth > 5) return hostile ? wrongType : fc.constant(null)
  if (schema.$ref) {
    const name = schema.$ref.split('/').at(-1) ?? ''
    return fromSchema(document.components?.schemas?.[name], document, hostile, depth + 1)
  }
  const alternatives = schema.anyOf ?? schema.oneOf
  if (alternatives) return fc.oneof(...alternatives.map((s) => fromSchema(s, document, hostile, depth + 1)))
  if (schema.allOf?.[0]) return fromSchema(schema.allOf[0], document, hostile, depth + 1)
  const shaped = typed(schema, document, hostile, depth)
  return hostile ? fc.oneof({ weight: 12, arbitrary: shaped }, { weight: 1, arbitrary: wrongType }) : shaped
}

function typed(
  schema: Schema,
  document: OpenApiDocument,
  hostile: boolean,
  depth: number,
): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const)
  if (schema.enum) return fc.constantFrom(...schema.enum)
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type
  switch (type) {
    case 'string':
      return fc.oneof(
        { weight: hostile ? 2 : 0, arbitrary: hostileText },
        { weight: 2, arbitrary: plainText },
        ...(typeof schema.example === 'string'
          ? [{ weight: 2, arbitrary: fc.constant(schema.example) }]
          : []),
      )
    case 'integer':
    case 'number': {
      const min = schema.minimum ?? -1_000_000
      const max = schema.maximum ?? 1_000_000
      const small = fc.integer({ min, max: Math.min(max, min + 1_000) })
      if (!hostile) return small
      return fc.oneof(
        small,
        fc.constantFrom(min, max),
        type === 'number' ? fc.double({ noNaN: true }) : fc.integer(),
      )
    }
    case 'boolean':
      return fc.boolean()
    case 'array':
      return fc.array(fromSchema(schema.items, document, hostile, depth + 1), { maxLength: 3 })
    case 'object': {
      const properties = schema.properties ?? {}
      const shape: Record<string, fc.Arbitrary<unknown>> = {}
      for (const [name, property] of Object.entries(properties))
        shape[name] = fromSchema(property, document, hostile, depth + 1)
      const required = (schema.required ?? []).filter((name) => name in shape)
      const extra = hostile ? fc.option(fc.tuple(hostileText, wrongType), { freq: 4 }) : fc.constant(null)
      return fc
        .tuple(fc.record(shape, { requiredKeys: required }), extra)
        .map(([record, more]) => (more === null ? record : { ...record, [more[0]]: more[1] }))
    }
    default:
      return fc.jsonValue({ maxDepth: 2 })
  }
}

const MALFORMED_JSON = ['{', '{"a":', 'nul', '[1,]', '"\\ud800"', '{"a":"\\u0000"}', `${'['.repeat(50_000)}`]
const FORM_FIELDS = [
  'grant_type',
  'code',
  'refresh_token',
  'token',
  'redirect_uri',
  'scope',
  'client_id',
  'state',
]
const GRANTS = ['authorization_code', 'refresh_token', 'client_credentials']

function jsonBody(
  schema: Schema | undefined,
  document: OpenApiDocument,
  hostile: boolean,
): fc.Arbitrary<string | Buffer> {
  const shaped = fromSchema(schema, document, hostile).map((value) => JSON.stringify(value) ?? 'null')
  if (!hostile) return shaped
  return fc.oneof(
    { weight: 6, arbitrary: shaped },
    { weight: 1, arbitrary: fc.constantFrom(...MALFORMED_JSON) },
    { weight: 1, arbitrary: fc.jsonValue().map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)) },
  )
}

const formBody = (hostile: boolean) =>
  fc
    .array(
      fc.tuple(
        hostile ? fc.oneof(fc.constantFrom(...FORM_FIELDS), hostileText) : fc.constantFrom(...FORM_FIELDS),
        fc.oneof(fc.constantFrom(...GRANTS), urlValue([], hostile)),
      ),
      { maxLength: 5 },
    )
    .map((fields) => fields.map(([name, value]) => `${escaped(name)}=${value}`).join('&'))

const CONTENT_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-8']

/** Requests for one of `operations`, against one of `targets` instances. */
export function requestsFor(
  operations: readonly Operation[],
  document: OpenApiDocument,
  known: Known,
  targets: number,
): fc.Arbitrary<FuzzRequest> {
  // Two in three hostile; the rest plausible throughout, to get past validation.
  const modes = fc.tuple(fc.constantFrom(...operations), fc.constantFrom(true, true, false))
  return modes.chain(([operation, hostile]) => {
    const segments = operation.path.split('/').map((segment) => {
      const name = /^\{(.+)\}$/.exec(segment)?.[1]
      return name === undefined ? fc.constant(segment) : urlValue(known.params[name], hostile)
    })
    const queryName = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...operation.query, 'x') },
      { weight: hostile ? 1 : 0, arbitrary: urlValue() },
    )
    const queryValue = fc.oneof(
      fc.constantFrom('1', '10', '2026-01-01T00:00:00Z'),
      hostile ? urlValue() : plainText.map(escaped),
    )
    const query = fc.array(fc.tuple(queryName, queryValue), { maxLength: 2 })
    const contentType = hostile
      ? fc.option(fc.constantFrom(...CONTENT_TYPES), { freq: 6 })
      : fc.constant(null)
    const body: fc.Arbitrary<{ type?: string; body: string | Buffer } | null> =
      operation.body === null
        ? hostile
          ? fc.option(fc.constant({ type: 'application/json', body: '{"a":"\\u0000"}' }), { freq: 8 })
          : fc.constant(null)
        : operation.body.type === 'form'
          ? formBody(hostile).map((text) => ({ type: 'application/x-www-form-urlencoded', body: text }))
          : fc
              .tuple(jsonBody(operation.body.schema, document, hostile), contentType)
              .map(([text, type]) => ({ type: type ?? 'application/json', body: text }))
    return fc
      .record({
        target: fc.integer({ min: 0, max: targets - 1 }),
        segments: fc.tuple(...segments),
        query,
        body,
        credentials: hostile ? fc.boolean() : fc.constant(true),
      })
      .map(({ target, segments, query, body, credentials }) => {
        const headers: Record<string, string> = {}
        if (credentials) Object.assign(headers, credentialsFor(operation.path, known))
        if (body?.type) headers['Content-Type'] = body.type
        const search = query.map(([name, value]) => `${name}=${value}`).join('&')
        return {
          target,
          route: `${operation.method} ${operation.path}`,
          method: operation.method,
          path: segments.join('/') + (search ? `?${search}` : ''),
          headers,
          body: body?.body,
        }
      })
  })
}

function credentialsFor(path: string, known: Known): Record<string, string> {
  if (path.startsWith('/banks/') && path.includes('/oauth/')) return { Authorization: known.basic }
  if (path.startsWith('/banks/')) return { Authorization: `Bearer ${known.bankToken}` }
  if (path.startsWith('/platform/')) return { Authorization: `Bearer ${known.pageToken}` }
  return {}
}
