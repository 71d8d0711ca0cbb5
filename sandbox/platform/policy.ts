import type { Deps } from '../deps.ts'

// The messaging platform's policy. `open` (the default) lets the integration write to a
// user at any time; `window` applies Messenger's 24-hour rule. The rule about the
// HUMAN_AGENT tag holds under both. `serve --platform-policy` sets the server's default;
// a scenario may choose one for its run (kept as a setting, gone with a reset).

export const PLATFORM_POLICIES = ['open', 'window'] as const
export type PlatformPolicy = (typeof PLATFORM_POLICIES)[number]

const SETTING = 'platformPolicy' as const

export function platformPolicy(deps: Deps): PlatformPolicy {
  return deps.state.settings.get(SETTING) ?? defaultPolicy(deps)
}

export function defaultPolicy(deps: Deps): PlatformPolicy {
  return deps.server.platformPolicy ?? 'open'
}

/** Chooses the policy for this world; null goes back to the server's default. */
export function setPlatformPolicy(deps: Deps, policy: PlatformPolicy | null): void {
  if (policy === null) deps.state.settings.delete(SETTING)
  else deps.state.settings.set(SETTING, policy)
}
