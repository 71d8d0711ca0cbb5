import { ControlError, createSandboxClient, type SandboxClient } from '../client.ts'
import { DEFAULT_SANDBOX_URL } from './defaults.ts'
import type { CliIo } from './io.ts'

// The commands that talk to a running sandbox (`world`, `evidence`) find it the same way
// and tell the same things when it refuses or is not there.

export interface ControlOptions {
  sandbox?: string | undefined
  'admin-key'?: string | undefined
  world?: string | undefined
}

/** The sandbox at --sandbox (default: where `serve` listens), with --admin-key or SANDBOX_ADMIN_KEY and --world. */
export function controlOf(
  values: ControlOptions,
  io: Pick<CliIo, 'env'>,
): { url: string; control: SandboxClient } {
  const url = (values.sandbox ?? DEFAULT_SANDBOX_URL).replace(/\/+$/, '')
  const adminKey = values['admin-key'] ?? io.env.SANDBOX_ADMIN_KEY
  const control = createSandboxClient(url, {
    ...(adminKey ? { adminKey } : {}),
    ...(values.world ? { world: values.world } : {}),
  })
  return { url, control }
}

/**
 * Exit status 1 with one line for a refusal or a sandbox that does not answer (`hint`
 * follows the latter); anything else is not the sandbox's doing and is thrown on.
 */
export function controlFailed(error: unknown, io: Pick<CliIo, 'stderr'>, url: string, hint = ''): number {
  if (error instanceof ControlError) io.stderr.write(`bank-sandbox: ${error.message}\n`)
  // fetch's own failure: nothing listens at --sandbox.
  else if (error instanceof TypeError && error.message === 'fetch failed')
    io.stderr.write(`bank-sandbox: no sandbox answers at ${url}.${hint}\n`)
  else throw error
  return 1
}
