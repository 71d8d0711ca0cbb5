import {
  BUILT_IN_INTEGRATIONS,
  type BuiltInIntegration,
  builtInIntegration,
} from '../../fixtures/integrations.ts'

// What an integration option names (`--integration` of serve and scenario run, the url of
// PUT /sandbox/integration): an integration running at an http(s) URL, or one built in
// (`reference`, `reference/<name>`, `faulty/<name>`) by its name. Here, below the command
// line, so that attaching and starting read it as the commands do.

export type IntegrationTarget = { url: string } | { builtIn: BuiltInIntegration }

/** True for an http(s) URL: anything else must be a built-in integration's name. */
export const isIntegrationUrl = (value: string): boolean => /^https?:\/\//i.test(value)

/** The integration a value names, or undefined when it is neither a URL nor a built-in name. */
export function integrationTarget(value: string): IntegrationTarget | undefined {
  if (isIntegrationUrl(value)) return { url: value }
  const builtIn = builtInIntegration(value)
  return builtIn && { builtIn }
}

/** The built-in integrations' names, for a message that says what is accepted. */
export const builtInNames = (): string => BUILT_IN_INTEGRATIONS.map((i) => i.name).join(', ')
