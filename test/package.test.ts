import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'

// The package as another project gets it: `npm pack`, then the tarball installed into a
// fresh project with --omit=dev (no tsx, no esbuild, no test tools), from npm's cache
// where it can. The bundle is the one globalSetup built from these sources.

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc')
const run = promisify(execFile)

/** The environment without what `npm test` adds (npm_config_*, npm_package_*), which would steer npm. */
const env = {
  ...Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_')),
  ),
  PACT_DO_NOT_TRACK: 'true',
}

let dir: string
let app: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bank-sandbox-pack-'))
  app = join(dir, 'app')
  mkdirSync(app)
  // The bundle is fresh (globalSetup); --ignore-scripts leaves dist/ alone for other test files.
  await run('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], { cwd: ROOT, env })
  const tarball = readdirSync(dir).find((name) => name.endsWith('.tgz'))
  if (!tarball) throw new Error(`npm pack wrote no tarball to ${dir}`)
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }))
  // --ignore-scripts: better-sqlite3's install finds no prebuilt binary offline and compiles
  // for minutes; nothing checked here opens a SQLite store, and no other dependency needs a script.
  const install = ['install', '--omit=dev', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund']
  await run('npm', [...install, '--loglevel=error', join(dir, tarball)], { cwd: app, env })
}, 150_000)

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('the packed tarball, installed with --omit=dev', () => {
  test('brings no build or test tool along', () => {
    const installed = readdirSync(join(app, 'node_modules'))
    for (const tool of ['tsx', 'esbuild', 'vitest', 'typescript', 'playwright-core', '@biomejs'])
      expect(installed).not.toContain(tool)
  })

  test('ships the scenario file format as JSON Schema: bank-sandbox/scenario.schema.json', async () => {
    const { stdout } = await run(
      'node',
      [
        '--input-type=module',
        '-e',
        "import s from 'bank-sandbox/scenario.schema.json' with { type: 'json' }; console.log(Object.keys(s.properties).join(','))",
      ],
      { cwd: app, env },
    )
    expect(stdout.trim()).toBe('name,title,summary,catches,seed,platformPolicy,people,steps,expectations')
  })

  test('npx bank-sandbox serve answers /health and serves the dashboard with its assets', async () => {
    const child = spawn('npx', ['bank-sandbox', 'serve', '--port', '0', '--integration', 'none'], {
      cwd: app,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group: npx starts the server as a grandchild
    })
    try {
      const url = await listening(child)
      const res = await fetch(`${url}/health`)
      expect(res.status).toBe(200)
      expect(await res.json()).toMatchObject({ status: 'ok', seed: 42 })
      expect(await dashboardAnswers(url)).toEqual(DASHBOARD_OK)
    } finally {
      if (child.pid) process.kill(-child.pid, 'SIGTERM')
    }
  }, 30_000)

  test('npx bank-sandbox scenario run consent-revoked passes', async () => {
    const { stdout } = await run('npx', ['bank-sandbox', 'scenario', 'run', 'consent-revoked'], {
      cwd: app,
      env,
    })
    expect(stdout).toContain('1 of 1 scenarios passed')
  }, 60_000)

  test('startSandbox works from a plain .mjs script, its dashboard included', async () => {
    writeFileSync(
      join(app, 'check.mjs'),
      `import { startSandbox } from 'bank-sandbox'
const sandbox = await startSandbox({ port: 0, seed: 42 })
const health = await (await fetch(sandbox.url + '/health')).json()
const dashboard = {}
for (const path of ${JSON.stringify(Object.keys(DASHBOARD_OK))}) {
  const res = await fetch(sandbox.url + path)
  dashboard[path] = res.status + ' ' + res.headers.get('content-type')
}
const { data } = await sandbox.control.customers('harbor', { limit: 1 })
const { consent } = await sandbox.control.link('harbor', data[0].id)
const clock = await sandbox.control.clock.advance(86_400_000)
await sandbox.close()
console.log(JSON.stringify({ health: health.status, consent: consent.status, clientId: sandbox.credentials.clientId, clock: clock.mode, dashboard }))
`,
    )
    const { stdout } = await run('node', ['check.mjs'], { cwd: app, env })
    expect(JSON.parse(stdout)).toEqual({
      health: 'ok',
      consent: 'active',
      clientId: 'platform-demo',
      clock: 'real',
      dashboard: DASHBOARD_OK,
    })
  }, 30_000)

  test('the example in docs/examples passes its own node:test suite against it', async () => {
    cpSync(join(ROOT, 'docs/examples/tiny-bot'), join(app, 'tiny-bot'), { recursive: true })
    const { stdout } = await run('node', ['--test', 'tiny-bot/'], { cwd: app, env })
    expect(stdout).toMatch(/# pass 5\n# fail 0/)
  }, 60_000)

  test('its types type a TypeScript caller', async () => {
    writeFileSync(
      join(app, 'check.ts'),
      `import { startSandbox, type Consent, type Sandbox } from 'bank-sandbox'
const sandbox: Sandbox = await startSandbox({ port: 0, integration: 'reference' })
const consent: Consent = (await sandbox.control.link('harbor', 'cus_harbor_00000')).consent
const revoked: 'active' | 'revoked' | 'expired' = (await sandbox.control.revoke('harbor', consent.id)).status
// @ts-expect-error the seed is a number
await startSandbox({ seed: '42' })
export { revoked }
`,
    )
    const tsconfig = {
      compilerOptions: {
        module: 'nodenext',
        target: 'es2022',
        lib: ['es2022'],
        types: [],
        strict: true,
        noEmit: true,
      },
      files: ['check.ts'],
    }
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify(tsconfig))
    await expect(
      run(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd: app, env }),
    ).resolves.toBeDefined()
  }, 30_000)
})

/** The dashboard and every asset it loads, as a browser finds them: status and type. */
const DASHBOARD_OK: Record<string, string> = {
  '/demo': '200 text/html; charset=UTF-8',
  '/demo/assets/dashboard.css': '200 text/css; charset=utf-8',
  '/demo/assets/dashboard.js': '200 text/javascript; charset=utf-8',
  '/demo/assets/live.js': '200 text/javascript; charset=utf-8',
  '/demo/assets/panels.js': '200 text/javascript; charset=utf-8',
  '/demo/assets/scenarios.js': '200 text/javascript; charset=utf-8',
}

async function dashboardAnswers(url: string): Promise<Record<string, string>> {
  const answers: Record<string, string> = {}
  for (const path of Object.keys(DASHBOARD_OK)) {
    const res = await fetch(`${url}${path}`)
    answers[path] = `${res.status} ${res.headers.get('content-type')}`
  }
  return answers
}

/** The URL `serve` prints once it listens. */
function listening(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1]
      if (url) resolve(url)
    })
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.once('exit', (code) => reject(new Error(`serve exited (${code}): ${output}`)))
  })
}
