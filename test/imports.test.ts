import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'

// The import rules (.dependency-cruiser.cjs) hold for the code, and each one bites: a tree
// that breaks every rule once is caught rule by rule.

const run = promisify(execFile)
const ROOT = resolve(import.meta.dirname, '..')
const CONFIG = join(ROOT, '.dependency-cruiser.cjs')
const DEPCRUISE = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs')

interface Violation {
  from: string
  to: string
  rule: { name: string }
}

async function violations(cwd: string, folders: string[]): Promise<Violation[]> {
  const { stdout } = await run(
    process.execPath,
    [DEPCRUISE, ...folders, '--config', CONFIG, '--output-type', 'json', '--no-progress'],
    { cwd, maxBuffer: 64 * 1024 * 1024 },
  ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }))
  const result = JSON.parse(stdout) as { summary: { violations: Violation[]; totalCruised: number } }
  expect(result.summary.totalCruised).toBeGreaterThan(0)
  return result.summary.violations
}

const scratch: string[] = []
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true })
})

describe('imports', () => {
  it('the code has no import circle and no import against the layers', async () => {
    const found = await violations(ROOT, ['sandbox', 'scenarios', 'contracts', 'fixtures'])
    expect(found.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)).toEqual([])
  }, 60_000)

  it('each rule catches the import it forbids', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'imports-'))
    scratch.push(dir)
    const files: Record<string, string> = {
      'tsconfig.json': JSON.stringify({
        compilerOptions: { allowImportingTsExtensions: true, noEmit: true },
      }),
      'sandbox/store/kept.ts': "import type { Policy } from '../bank/policy.ts'\nexport type Kept = Policy\n",
      'sandbox/bank/policy.ts':
        "import type { Kept } from '../store/kept.ts'\nexport type Policy = Kept | 1\n",
      'sandbox/http/answer.ts':
        "import type { Policy } from '../bank/policy.ts'\nexport type Answer = Policy\n",
      'sandbox/synthetic/people.ts':
        "import type { Kept } from '../store/kept.ts'\nexport type People = Kept\n",
      'sandbox/platform/chat.ts': "import type { App } from '../serving/app.ts'\nexport type Chat = App\n",
      'sandbox/serving/app.ts': 'export type App = 1\n',
      'sandbox/demo/page.ts':
        "import type { Judge } from '../../scenarios/judge.ts'\nexport type Page = Judge\n",
      'sandbox/cli/run.ts':
        "import type { Judge } from '../../scenarios/judge.ts'\nexport type Run = Judge\n",
      'scenarios/judge.ts': 'export type Judge = 1\n',
    }
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true })
      writeFileSync(join(dir, path), text)
    }
    // A circle is reported once, from whichever of its files is met first.
    const found = (await violations(dir, ['sandbox', 'scenarios'])).map((v) =>
      v.rule.name === 'no-circular' ? v.rule.name : `${v.rule.name}: ${v.from}`,
    )
    expect(new Set(found)).toEqual(
      new Set([
        'no-circular',
        'store-imports-no-domain: sandbox/store/kept.ts',
        'http-imports-no-domain: sandbox/http/answer.ts',
        'synthetic-stands-alone: sandbox/synthetic/people.ts',
        'domains-import-no-server: sandbox/platform/chat.ts',
        'sandbox-never-imports-the-judge: sandbox/demo/page.ts',
      ]),
    )
  }, 60_000)
})
