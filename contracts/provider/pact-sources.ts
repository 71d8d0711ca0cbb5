import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { isProvider, PROVIDERS_IN_WORDS } from '../vocabulary.ts'

// What `--pact` names, resolved before anything runs: URLs as given, directories as the
// pact files in them, files checked to be pacts. Pact's verifier passes a run with no
// pact at all, so an empty directory or a folder of other JSON must be caught here; and
// it verifies a pact against whatever provider it is given, whatever provider the pact
// names, so a pact for another provider must be turned away here too.

export interface PactSources {
  /** Local pact files, in the order given, each directory's in name order. */
  files: string[]
  urls: string[]
  /** Local files left out, each with why, in words. */
  skipped: string[]
  /** Pacts for a provider the sandbox does not play, each with its name, in words. */
  foreign: string[]
  /** The interactions and messages the local files hold. */
  interactions: number
  /** What was searched, absolute, for a message that says where it looked. */
  looked: string[]
}

export const isUrl = (source: string) => /^https?:\/\//i.test(source)

export function resolvePactSources(sources: readonly string[]): PactSources {
  const found: PactSources = { files: [], urls: [], skipped: [], foreign: [], interactions: 0, looked: [] }
  for (const source of sources) {
    if (isUrl(source)) {
      found.urls.push(source)
      continue
    }
    found.looked.push(resolve(source))
    const directory = statSync(source, { throwIfNoEntry: false })?.isDirectory() === true
    const names = directory
      ? readdirSync(source)
          .filter((name) => name.endsWith('.json'))
          .sort()
          .map((name) => join(source, name))
      : [source]
    for (const file of names) {
      const pact = readPact(file)
      if (typeof pact === 'string') found.skipped.push(`${file}: ${pact}`)
      else if (!isProvider(pact.provider)) found.foreign.push(foreignPact(file, pact.provider))
      else {
        found.files.push(file)
        found.interactions += pact.interactions
      }
    }
  }
  return found
}

/** Says where it looked and what it passed over, when nothing there is worth verifying. */
export function nothingToVerify(found: PactSources): string | null {
  if (found.urls.length > 0 || found.interactions > 0) return null
  const where = found.looked.join(', ')
  const what =
    found.files.length > 0
      ? `the pact files there hold no interaction (${found.files.join(', ')})`
      : 'no pact file there (a *.json with consumer, provider and interactions)'
  const count = found.skipped.length
  const skipped =
    count > 0
      ? `; skipped ${count} JSON file${count === 1 ? '' : 's'} that ${count === 1 ? 'is' : 'are'} no pact (listed above)`
      : ''
  return `nothing to verify in ${where}: ${what}${skipped}.`
}

/** Why a pact is turned away: the provider it names is none the sandbox plays, in words. */
export const foreignPact = (source: string, provider: string) =>
  `pact ${source}: provider "${provider}" is not one this sandbox verifies: ${PROVIDERS_IN_WORDS}`

/** The provider and interaction count of a pact file, or why it is not one. */
function readPact(file: string): PactSummary | string {
  let json: unknown
  try {
    json = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    return `not readable JSON (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`
  }
  return summary(json)
}

interface PactSummary {
  provider: string
  interactions: number
}

function summary(json: unknown): PactSummary | string {
  const pact = (json ?? {}) as {
    consumer?: { name?: unknown }
    provider?: { name?: unknown }
    interactions?: unknown
    messages?: unknown
  }
  const interactions = Array.isArray(pact.interactions) ? pact.interactions.length : 0
  const messages = Array.isArray(pact.messages) ? pact.messages.length : 0
  if (
    typeof pact.consumer?.name !== 'string' ||
    typeof pact.provider?.name !== 'string' ||
    (!Array.isArray(pact.interactions) && !Array.isArray(pact.messages))
  )
    return 'not a pact (no consumer, provider and interactions)'
  return { provider: pact.provider.name, interactions: interactions + messages }
}

/**
 * The provider a pact at a URL names, fetched as Pact's verifier will fetch it (broker
 * credentials from PACT_BROKER_TOKEN, or PACT_BROKER_USERNAME and PACT_BROKER_PASSWORD),
 * or why it could not be read, in words.
 */
export async function providerAt(
  url: string,
  env: Record<string, string | undefined> = process.env,
): Promise<{ provider: string } | { problem: string }> {
  const headers: Record<string, string> = { Accept: 'application/hal+json, application/json' }
  if (env.PACT_BROKER_TOKEN) headers.Authorization = `Bearer ${env.PACT_BROKER_TOKEN}`
  else if (env.PACT_BROKER_USERNAME)
    headers.Authorization = `Basic ${Buffer.from(`${env.PACT_BROKER_USERNAME}:${env.PACT_BROKER_PASSWORD ?? ''}`).toString('base64')}`
  let json: unknown
  try {
    const res = await fetch(url, { headers })
    if (!res.ok) return { problem: `pact ${url}: could not be read (the server answered ${res.status})` }
    json = await res.json()
  } catch (error) {
    const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : ''
    return { problem: `pact ${url}: could not be read (${cause.split('\n')[0]})` }
  }
  const pact = summary(json)
  if (typeof pact === 'string') return { problem: `pact ${url}: ${pact}` }
  return { provider: pact.provider }
}

/** The one provider all the pacts name (local files, and URLs' as fetched); else a name for all of them. */
export function providerOf(files: readonly string[], urlProviders: readonly string[] = []): string {
  const names = new Set([
    ...files.map((file) => {
      const pact = readPact(file)
      return typeof pact === 'string' ? '' : pact.provider
    }),
    ...urlProviders,
  ])
  const [only] = names
  return names.size === 1 && only ? only : 'bank-sandbox'
}
