import { parseArgs } from 'node:util'
import { renderReceipt } from '../evidence/receipt.tsx'
import type { Evidence } from '../evidence/schema.ts'
import { UsageError } from '../usage-error.ts'
import { controlFailed, controlOf } from './control.ts'
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

  const { url: sandboxUrl, control } = controlOf(values, io)
  const query = reactionMs === undefined ? '' : `?reactionMs=${reactionMs}`
  let evidence: Evidence
  try {
    evidence = await control.call<Evidence>(
      'GET',
      `/sandbox/consents/${encodeURIComponent(consentId)}/evidence${query}`,
    )
  } catch (error) {
    return controlFailed(
      error,
      io,
      sandboxUrl,
      ' Start one with "bank-sandbox serve", or pass --sandbox URL.',
    )
  }
  io.stdout.write(
    format === 'json' ? `${JSON.stringify(evidence, null, 2)}\n` : `${renderReceipt(evidence)}\n`,
  )
  return 0
}
