import { mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

// The committed pact files and how a regeneration differs from them. Nothing is
// ignored: Pact writes no timestamps and sorts interactions, so equal tests give equal bytes.

export function readPacts(dir: string): Map<string, string> {
  mkdirSync(dir, { recursive: true })
  const names = readdirSync(dir).filter((name) => name.endsWith('.json'))
  return new Map(names.map((name) => [name, readFileSync(join(dir, name), 'utf8')]))
}

/** What changed between two sets of pact files, in words; empty when they are identical. */
export function pactChanges(before: Map<string, string>, after: Map<string, string>): string[] {
  const changes: string[] = []
  for (const [name, text] of after) {
    if (!before.has(name)) changes.push(`${name} is new`)
    else if (before.get(name) !== text) changes.push(`${name} changed`)
  }
  for (const name of before.keys()) if (!after.has(name)) changes.push(`${name} is no longer produced`)
  return changes.sort()
}
