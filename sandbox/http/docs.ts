import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { Hono } from 'hono'

// A browsable API reference at /docs: Swagger UI served from the installed package, so
// it works offline (no CDN), reading the generated /openapi.json.

const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
}

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Bank Sandbox API reference</title>
    <link rel="stylesheet" href="/docs/swagger-ui.css" />
  </head>
  <body>
    <div id="api"></div>
    <script src="/docs/swagger-ui-bundle.js"></script>
    <script>SwaggerUIBundle({ url: '/openapi.json', dom_id: '#api', deepLinking: true })</script>
  </body>
</html>`

export function docsRoutes() {
  const assetDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'))
  const app = new Hono()
  app.get('/docs', (c) => c.html(PAGE))
  app.get('/docs/:asset', async (c) => {
    const name = c.req.param('asset')
    const type = ASSETS[name]
    if (!type) return c.notFound()
    c.header('Content-Type', type)
    c.header('Cache-Control', 'public, max-age=3600')
    return c.body(await readFile(join(assetDir, name)))
  })
  return app
}
