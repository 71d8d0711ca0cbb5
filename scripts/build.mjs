// `npm run build`: the CLI and the public entry as one esbuild bundle split per command
// (so `serve` loads neither the scenario engine nor Pact), chunks left over from earlier
// builds removed, then the package's .d.ts. `prepare` runs it on npm ci and npm install.
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { basename } from 'node:path'
import { build } from 'esbuild'

// The dashboard's assets travel inside the bundle: sandbox/demo/assets.ts reads them from
// the folder beside it, which neither dist/ nor an installed package has.
const inlineDemoAssets = {
  name: 'inline-demo-assets',
  setup(bundler) {
    bundler.onLoad({ filter: /[\\/]sandbox[\\/]demo[\\/]assets\.ts$/ }, () => {
      const folder = 'sandbox/demo/assets'
      const files = readdirSync(folder).map((name) => [name, readFileSync(`${folder}/${name}`, 'utf8')])
      return {
        contents: `export const DEMO_ASSETS = new Map(${JSON.stringify(files)})`,
        loader: 'js',
        watchFiles: files.map(([name]) => `${folder}/${name}`),
      }
    })
  },
}

const { metafile } = await build({
  entryPoints: { 'bank-sandbox': 'sandbox/cli/main.ts', index: 'sandbox/index.ts' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  splitting: true,
  outdir: 'dist',
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  logLevel: 'warning',
  metafile: true,
  plugins: [inlineDemoAssets],
})
const written = new Set(Object.keys(metafile.outputs).map((file) => basename(file)))
for (const name of readdirSync('dist/chunks')) if (!written.has(name)) rmSync(`dist/chunks/${name}`)

// The scenario file format as JSON Schema, shipped as dist/scenario.schema.json (package
// export `bank-sandbox/scenario.schema.json`): generated from the zod schema the runner uses.
const schemaModule = 'dist/.scenario-schema.mjs'
await build({
  entryPoints: ['scenarios/json-schema.ts'],
  bundle: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  outfile: schemaModule,
  logLevel: 'warning',
})
const { scenarioJsonSchema } = await import(`../${schemaModule}`)
writeFileSync('dist/scenario.schema.json', `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`)
rmSync(schemaModule)

// Types: the public entry and its client, each declared on its own (isolated declarations),
// so that no internal module is needed to type `import { startSandbox } from 'bank-sandbox'`.
// TypeScript takes a second to load: skip it when the declarations are newer than their sources.
const DECLARED = { 'sandbox/index.ts': 'dist/index.d.ts', 'sandbox/client.ts': 'dist/client.d.ts' }
const mtime = (file) => statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0
const stale = Object.entries(DECLARED).filter(([source, target]) => mtime(target) <= mtime(source))
const ts = stale.length > 0 ? (await import('typescript')).default : null
mkdirSync('dist', { recursive: true })
let failed = false
for (const [source, target] of ts ? stale : []) {
  const { outputText, diagnostics = [] } = ts.transpileDeclaration(readFileSync(source, 'utf8'), {
    fileName: source,
    compilerOptions: { isolatedDeclarations: true, declaration: true, strict: true },
    reportDiagnostics: true,
  })
  for (const d of diagnostics) {
    failed = true
    const at = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : null
    console.error(
      `${source}${at ? `:${at.line + 1}:${at.character + 1}` : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
    )
  }
  for (const [, spec] of outputText.matchAll(/from '([^']+)'/g))
    if (spec.startsWith('.') && spec !== './client.ts') {
      failed = true
      console.error(`${source}: its declarations import ${spec}, which the package does not declare.`)
    }
  writeFileSync(target, outputText.replaceAll("from './client.ts'", "from './client.js'"))
}
if (failed) process.exit(1)
