import type { VerifierOptions } from '@pact-foundation/pact'

// Which of the sandbox's providers the broker holds pacts for, asked the way the
// verifier asks (the "pacts for verification" query with the same selectors), so that a
// team with no Send API pact is not failed for the pact it never wrote.

export interface BrokerAccess {
  url: string
  token?: string
  username?: string
  password?: string
}

export interface PactsQuery {
  consumerVersionSelectors: NonNullable<VerifierOptions['consumerVersionSelectors']>
  enablePending?: boolean
  includeWipPactsSince?: string
  providerBranch?: string
  providerTags?: string[]
  consumers?: string[]
}

/** How many pacts the broker offers each provider for verification, in the order given. */
export async function pactsPerProvider(
  broker: BrokerAccess,
  providers: readonly string[],
  query: PactsQuery,
): Promise<Map<string, number>> {
  const base = broker.url.replace(/\/+$/, '')
  const headers: Record<string, string> = { Accept: 'application/hal+json, application/json' }
  if (broker.token) headers.Authorization = `Bearer ${broker.token}`
  else if (broker.username)
    headers.Authorization = `Basic ${Buffer.from(`${broker.username}:${broker.password ?? ''}`).toString('base64')}`

  const index = await answer<{ _links?: Record<string, { href?: string }> }>(`${base}/`, { headers })
  const template = index._links?.['pb:provider-pacts-for-verification']?.href
  if (!template)
    throw new Error(
      `The broker at ${base} offers no "pacts for verification" query (pb:provider-pacts-for-verification).`,
    )
  const body = JSON.stringify({
    consumerVersionSelectors: query.consumerVersionSelectors,
    includePendingStatus: query.enablePending ?? false,
    ...(query.includeWipPactsSince ? { includeWipPactsSince: query.includeWipPactsSince } : {}),
    ...(query.providerBranch ? { providerVersionBranch: query.providerBranch } : {}),
    ...(query.providerTags?.length ? { providerVersionTags: query.providerTags } : {}),
  })
  const counts = new Map<string, number>()
  for (const provider of providers) {
    const url = template.replace('{provider}', encodeURIComponent(provider))
    const found = await answer<{ _embedded?: { pacts?: { _links?: { self?: { href?: string } } }[] } }>(url, {
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'application/json' },
      body,
    })
    const pacts = (found._embedded?.pacts ?? []).filter((pact) =>
      wanted(pact._links?.self?.href, query.consumers),
    )
    counts.set(provider, pacts.length)
  }
  return counts
}

/** A consumer filter keeps a pact whose URL names a listed consumer, or names none. */
function wanted(href: string | undefined, consumers: readonly string[] | undefined): boolean {
  if (!consumers?.length) return true
  const named = /\/consumer\/([^/]+)\//.exec(href ?? '')?.[1]
  return named === undefined || consumers.includes(decodeURIComponent(named))
}

async function answer<T>(url: string, init: RequestInit): Promise<T> {
  let res: Response
  try {
    res = await fetch(url, init)
  } catch (error) {
    const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : ''
    throw new Error(`The Pact Broker at ${new URL(url).origin} did not answer (${cause}).`)
  }
  if (!res.ok) {
    const text = (await res.text()).slice(0, 200)
    throw new Error(`The Pact Broker answered ${res.status} to ${init.method ?? 'GET'} ${url}: ${text}`)
  }
  return (await res.json()) as T
}
