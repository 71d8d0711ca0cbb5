import { execFile, spawn } from 'node:child_process'
import { promisify } from 'node:util'
import { describe, expect, test } from 'vitest'

const run = promisify(execFile)
const cli = (...args: string[]) => run('node', ['bin/bank-sandbox.js', ...args]).catch((error) => error)

describe('bank-sandbox CLI', () => {
  test('serve starts a real server, prints the credentials and answers /health', async () => {
    const child = spawn('node', ['bin/bank-sandbox.js', 'serve', '--port', '0', '--seed', '5'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    try {
      let output = ''
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString()
          const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)
          if (match?.[1] && output.includes('platform page token')) resolve(match[1])
        })
        child.once('exit', () => reject(new Error(`server exited: ${output}`)))
      })
      expect(output).toContain('client id     platform-demo')
      expect(output).toMatch(/harbor\s+webhook secret whsec_/)
      const health = await (await fetch(`${url}/health`)).json()
      expect(health).toMatchObject({ status: 'ok', seed: 5 })
      expect(health.banks.map((b: { id: string }) => b.id)).toEqual([
        'harbor',
        'meridian',
        'pinecrest',
        'summit',
      ])
      const credentials = await (await fetch(`${url}/sandbox/credentials`)).json()
      expect(output).toContain(credentials.clientSecret)
    } finally {
      child.kill()
    }
  })

  test('credentials derive from the serve seed and differ between seeds', async () => {
    const { createCredentials } = await import('../sandbox/credentials.ts')
    const banks = ['harbor']
    expect(createCredentials(1, banks)).toEqual(createCredentials(1, banks))
    expect(createCredentials(1, banks).clientSecret).not.toBe(createCredentials(2, banks).clientSecret)
    expect(createCredentials(1, banks).banks.harbor?.webhookSecret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/)
    expect(createCredentials(1, banks, true).clientSecret).not.toBe(
      createCredentials(1, banks, true).clientSecret,
    )
  })

  test.each([
    [['generate', '--format', 'xml'], /--format must be ndjson, json or csv/],
    [['generate', '--customers', '0'], /--customers must be a whole number/],
    [['generate', '--bogus'], /Unknown option '--bogus'/],
    [['serve', '--integration', 'http://169.254.169.254/'], /link-local address/],
    [['serve', '--request-timeout', '0'], /--request-timeout must be a whole number from 1/],
    [['evidence'], /Name the consent: bank-sandbox evidence --consent/],
    [['evidence', '--consent', 'cns_x', '--format', 'pdf'], /--format must be json or html/],
    [['frobnicate'], /Unknown command "frobnicate"/],
  ])('%j is a usage error: exit 2 with a clear message', async (args, message) => {
    const result = await cli(...args)
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(message)
    expect(result.stderr).toContain('bank-sandbox help')
  })

  test('serve --help prints the serve options, --request-timeout among them', async () => {
    const { stdout } = await cli('serve', '--help')
    expect(stdout).toContain('bank-sandbox serve')
    expect(stdout).toContain('--request-timeout 30')
  })

  test('openapi prints an OpenAPI 3.1 document', async () => {
    const { stdout } = await cli('openapi')
    const document = JSON.parse(stdout)
    expect(document.openapi).toBe('3.1.0')
    expect(Object.keys(document.paths)).toContain('/banks/{bankId}/v1/accounts/{accountId}/transactions')
  })
})
