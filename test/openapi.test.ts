import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { SANDBOX_EVENT_KINDS } from '../sandbox/control/observe.ts'
import { createTestSandbox } from './support/helpers.ts'

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']

/** `{bankId}` and `:bankId` alike become `{}`, so that only the shape of a path counts. */
const normalise = (path: string) => path.replace(/\{[^}]+\}|:[A-Za-z]+/g, '{}')

/**
 * Every operation in the integration guide's control-API table, as `METHOD /path`. A cell
 * lists one or more in code spans joined by `·`; `…/rest` continues the previous path from
 * its matching segment, a bare `…` repeats it, and a span without a method keeps the previous one.
 */
function guideControlOperations(): string[] {
  const guide = readFileSync(new URL('../docs/integration-guide.md', import.meta.url), 'utf8')
  const section = guide.split('\n### The control API\n')[1]?.split('\n#')[0] ?? ''
  const operations: string[] = []
  for (const row of section.split('\n').filter((line) => line.startsWith('| `'))) {
    const cell = row.split(/(?<!\\)\|/)[1] ?? ''
    let method = ''
    let path = ''
    for (const [, span = ''] of cell.matchAll(/`([^`]+)`/g)) {
      const words = span.trim().split(/\s+/)
      if (METHODS.includes(words[0] ?? '')) method = words.shift() ?? ''
      const target = (words[0] ?? '').split('?')[0] ?? ''
      if (target.startsWith('…')) {
        const rest = target.slice(1)
        const segment = rest.split('/')[1]
        const at = segment ? path.lastIndexOf(`/${segment}`) : -1
        path = rest === '' ? path : at >= 0 ? path.slice(0, at) + rest : path + rest
      } else {
        path = target
      }
      operations.push(`${method} ${normalise(path)}`)
    }
  }
  return operations
}

describe('API reference', () => {
  test('/openapi.json documents every bank and control path with problem+json errors', async () => {
    const sandbox = createTestSandbox()
    const document = await (await sandbox.request('/openapi.json')).json()
    expect(document.openapi).toBe('3.1.0')
    for (const path of [
      '/banks/{bankId}/v1/accounts',
      '/banks/{bankId}/v1/accounts/{accountId}/balances',
      '/banks/{bankId}/v1/cards/{cardId}',
      '/banks/{bankId}/v1/consent',
      '/banks/{bankId}/oauth/token',
      '/banks/{bankId}/oauth/authorize',
      '/sandbox/banks/{bankId}/customers/{customerId}/consents',
      '/sandbox/clock',
      '/sandbox/reset',
    ]) {
      expect(document.paths, path).toHaveProperty([path])
    }
    const balances = document.paths['/banks/{bankId}/v1/accounts/{accountId}/balances'].get
    expect(balances.responses['401'].content).toHaveProperty(['application/problem+json'])
    expect(document.components.schemas.Money.properties.amount.type).toBe('integer')
  })

  test('/openapi.json lists every operation of the guide’s control-API table', async () => {
    const sandbox = createTestSandbox()
    const document = await (await sandbox.request('/openapi.json')).json()
    const documented = new Set<string>()
    for (const [path, item] of Object.entries(document.paths as Record<string, object>)) {
      for (const method of Object.keys(item)) documented.add(`${method.toUpperCase()} ${normalise(path)}`)
    }
    const operations = guideControlOperations()
    expect(operations.length).toBeGreaterThan(20)
    expect(operations).toContain('DELETE /sandbox/banks/{}/faults')
    expect(operations).toContain('GET /sandbox/banks/{}/customers/{}')
    expect(operations.filter((operation) => !documented.has(operation))).toEqual([])
  })

  test('GET /sandbox/events is documented as an event stream, with its kinds and what Last-Event-ID does', async () => {
    const sandbox = createTestSandbox()
    const document = await (await sandbox.request('/openapi.json')).json()
    const events = document.paths['/sandbox/events'].get
    expect(events.responses['200'].content).toHaveProperty(['text/event-stream'])
    expect(events.description).toContain('Last-Event-ID')
    for (const kind of SANDBOX_EVENT_KINDS) expect(events.description).toContain(`\`${kind}\``)
  })

  test('the documented event kinds are the ones the sandbox publishes', () => {
    const root = new URL('../sandbox/', import.meta.url)
    const published = new Set<string>()
    for (const file of readdirSync(root, { recursive: true, encoding: 'utf8' })) {
      if (!/\.tsx?$/.test(file) || file.endsWith('.test.ts')) continue
      for (const [, kind = ''] of readFileSync(new URL(file, root), 'utf8').matchAll(
        /publish\('([a-z.]+)'/g,
      )) {
        published.add(kind)
      }
    }
    expect([...published].sort()).toEqual([...SANDBOX_EVENT_KINDS].sort())
  })

  test('/docs is a browsable page whose assets are served locally', async () => {
    const sandbox = createTestSandbox()
    const page = await sandbox.request('/docs')
    expect(page.headers.get('content-type')).toContain('text/html')
    const html = await page.text()
    expect(html).toContain('/openapi.json')
    const bundle = await sandbox.request('/docs/swagger-ui-bundle.js')
    expect(bundle.status).toBe(200)
    expect((await bundle.arrayBuffer()).byteLength).toBeGreaterThan(100_000)
    expect((await sandbox.request('/docs/..%2Fpackage.json')).status).toBe(404)
  })
})
