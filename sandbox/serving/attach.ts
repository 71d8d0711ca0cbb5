import { startIntegration } from '../../fixtures/reference/server.ts'
import { builtInClientKey } from '../bank/fapi/client-keys.ts'
import { publicCredentials } from '../credentials.ts'
import type { Deps } from '../deps.ts'
import { problems } from '../http/problem.ts'
import { checkTargetUrl } from '../http/url-guard.ts'
import { toIso } from '../time/clock.ts'
import { tick } from '../time/tick.ts'
import { integrationTarget } from './integration-target.ts'

// Attaching the integration under test: a base URL, or the name of a
// built-in one (`reference`, `faulty/<name>`), which is started in this process and is
// always allowed, shared mode or not.

export async function attachIntegration(
  deps: Deps,
  nameOrUrl: string | null,
  sandboxUrl: string,
): Promise<string | null> {
  const target = nameOrUrl === null ? null : integrationTarget(nameOrUrl)
  if (target === undefined) {
    throw problems.invalidRequest('Unknown integration.', [
      {
        path: 'url',
        message: 'An http(s) URL, "reference" or "faulty/<name>" (see bank-sandbox integrations)',
      },
    ])
  }
  let url: string | null = null
  if (target && 'url' in target) {
    // In shared mode the host name is resolved: every address it gives must be allowed.
    const refusal = await checkTargetUrl(target.url, deps.server.targets)
    if (refusal)
      throw problems.invalidRequest(`The integration URL is not allowed. ${refusal}`, [
        { path: 'url', message: refusal },
      ])
    url = target.url.replace(/\/+$/, '')
  }
  const builtIn = target && 'builtIn' in target ? target.builtIn : undefined
  await deps.runningIntegration?.close()
  deps.runningIntegration = null
  if (builtIn) {
    const running = await startIntegration({
      sandboxUrl,
      credentials: publicCredentials(deps.credentials),
      quirks: builtIn.quirks,
      clientKey: builtInClientKey(deps.credentials),
    })
    deps.runningIntegration = { name: builtIn.name, close: running.close }
    url = running.url
  }
  deps.integrationUrl = url
  // What was asked for, so that a restarted sandbox attaches the same (a built-in one anew).
  deps.state.settings.set('attached', nameOrUrl)
  deps.bus.publish('integration.attached', toIso(deps.clock.now()), { url, name: builtIn?.name ?? null })
  tick(deps) // deliveries held while nothing was attached go out now
  return url
}
