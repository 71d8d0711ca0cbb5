import { parseArgs } from 'node:util'
import { UsageError } from '../usage-error.ts'
import { controlFailed, controlOf } from './control.ts'
import type { CliIo } from './io.ts'
import { parseDays, parseSeed, wholeNumber } from './options.ts'

// `bank-sandbox world create|list|delete`: worlds on a running sandbox, for a CI job that
// wants one of its own. `create` prints the world as JSON, credentials included, ready to
// configure an integration with. Exit 1 when the sandbox refuses, 2 on a usage error.

export async function worldCommand(
  args: string[],
  io: Pick<CliIo, 'stdout' | 'stderr' | 'env'>,
): Promise<number> {
  const [sub, ...rest] = args
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      sandbox: { type: 'string' },
      'admin-key': { type: 'string' },
      seed: { type: 'string' },
      customers: { type: 'string' },
      days: { type: 'string' },
    },
  })
  const { url, control } = controlOf(values, io)
  const print = (value: unknown) => io.stdout.write(`${JSON.stringify(value, null, 2)}\n`)
  try {
    switch (sub) {
      case 'create': {
        // What is not given is left to the sandbox.
        const body = {
          seed: parseSeed(values.seed),
          customers: wholeNumber(values.customers, 'customers', 1, 1_000_000),
          days: parseDays(values.days),
        }
        print(await control.call('POST', '/sandbox/worlds', body))
        return 0
      }
      case 'list': {
        const worlds: unknown[] = []
        let cursor: string | null = null
        do {
          const page: { data: unknown[]; nextCursor: string | null } = await control.call(
            'GET',
            `/sandbox/worlds${cursor === null ? '' : `?cursor=${cursor}`}`,
          )
          worlds.push(...page.data)
          cursor = page.nextCursor
        } while (cursor !== null)
        print(worlds)
        return 0
      }
      case 'delete': {
        const [id] = positionals
        if (!id) throw new UsageError('Name the world to delete: bank-sandbox world delete ID.')
        await control.call('DELETE', `/sandbox/worlds/${encodeURIComponent(id)}`)
        return 0
      }
      default:
        throw new UsageError('Use "world create", "world list" or "world delete ID".')
    }
  } catch (error) {
    return controlFailed(error, io, url)
  }
}
