import { execFileSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

// vitest globalSetup: tests that run `bin/bank-sandbox.js` run the built bundle, as users
// do, so it is rebuilt first whenever a source is newer than it.

const SOURCES = ['sandbox', 'scenarios', 'fixtures', 'contracts', 'scripts']
const BUNDLE = ['dist/bank-sandbox.mjs', 'dist/index.mjs', 'dist/index.d.ts']

const mtime = (file: string) => statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0

function newestSource(): number {
  let newest = mtime('package.json')
  for (const dir of SOURCES)
    for (const name of readdirSync(dir, { recursive: true, encoding: 'utf8' }))
      if (/\.(ts|tsx|mjs|js|css|json)$/.test(name)) newest = Math.max(newest, mtime(join(dir, name)))
  return newest
}

export default function buildBundle(): void {
  const built = Math.min(...BUNDLE.map(mtime))
  if (built > newestSource()) return
  execFileSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' })
}
