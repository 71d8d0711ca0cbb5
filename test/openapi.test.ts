import { describe, expect, test } from 'vitest'
import { createTestSandbox } from './helpers.ts'

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
