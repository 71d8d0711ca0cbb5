import { parseArgs } from 'node:util'
import { ControlError, createSandboxClient } from '../client.ts'
import { renderReceipt } from '../evidence/receipt.tsx'
import type { Evidence } from '../evidence/schema.ts'
import { UsageError } from '../usage-error.ts'
import { DEFAULT_SANDBOX_URL } from './defaults.ts'
import type { CliIo } from './io.ts'
import { parseReactionMs } from './options.ts'

// `bank-sandbox evidence --consent ID`: what the integration took under one consent, read
// from a running sandbox (GET /sandbox/consents/{id}/evidence, which needs no bank id) and
// printed as JSON or as the printable HTML receipt. Exit 0 printed, 1 the sandbox could not
// say (no such consent, nothing listening, refused), 2 a usage error.

export const EVIDENCE_USAGE = `  bank-sandbox evidence --consent ID [--format json|html] [--sandbox URL] [--world ID] [--admin-key KEY]
                        [--reaction-ms 5000]   (what the integration took under one consent; html: a printable receipt)
`

export async function evidenceCommand(
  args: string[],
  io: Pick<CliIo, 'stdout' | 'stderr' | 'env'>,
): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      consent: { type: 'string' },
      format: { type: 'string' },
      sandbox: { type: 'string' },
      world: { type: 'string' },
      'admin-key': { type: 'string' },
      'reaction-ms': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    io.stdout.write(`Usage:\n${EVIDENCE_USAGE}`)
    return 0
  }
  const consentId = values.consent?.trim()
  if (!consentId) throw new UsageError('Name the consent: bank-sandbox evidence --consent cns_….')
  const format = values.format ?? 'json'
  if (format !== 'json' && format !== 'html') throw new UsageError('--format must be json or html.')
  const reactionMs = parseReactionMs(values['reaction-ms'])

  const sandboxUrl = (values.sandbox ?? DEFAULT_SANDBOX_URL).replace(/\/+$/, '')
  const adminKey = values['admin-key'] ?? io.env.SANDBOX_ADMIN_KEY
  const control = createSandboxClient(sandboxUrl, {
    ...(adminKey ? { adminKey } : {}),
    ...(values.world ? { world: values.world } : {}),
  })
  const query = reactionMs === undefined ? '' : `?reactionMs=${reactionMs}`
  let evidence: Evidence
  try {
    evidence = await control.call<Evidence>(
      'GET',
      `/sandbox/consents/${encodeURIComponent(consentId)}/evidence${query}`,
    )
  } catch (error) {
    if (error instanceof ControlError) io.stderr.write(`bank-sandbox: ${error.message}\n`)
    // fetch's own failure: nothing listens at --sandbox.
    else if (error instanceof TypeError && error.message === 'fetch failed')
      io.stderr.write(
        `bank-sandbox: no sandbox answers at ${sandboxUrl}. Start one with "bank-sandbox serve", or pass --sandbox URL.\n`,
      )
    else throw error
    return 1
  }
  io.stdout.write(
    format === 'json' ? `${JSON.stringify(evidence, null, 2)}\n` : `${renderReceipt(evidence)}\n`,
  )
  return 0
}
