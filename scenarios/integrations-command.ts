import { BUILT_IN_INTEGRATIONS } from '../fixtures/integrations.ts'
import type { CliIo } from '../sandbox/cli/io.ts'

// `bank-sandbox integrations`: the built-in integrations and what catches each faulty one.
// Its own file, so the listing loads no scenario engine and starts fast.

export function integrationsCommand(io: Pick<CliIo, 'stdout'>): number {
  const width = Math.max(...BUILT_IN_INTEGRATIONS.map((integration) => integration.name.length)) + 2
  for (const integration of BUILT_IN_INTEGRATIONS) {
    io.stdout.write(`${integration.name.padEnd(width)}${integration.description}.\n`)
    for (const { scenario, expectations } of integration.caughtBy ?? [])
      io.stdout.write(`${''.padEnd(width)}  caught by ${scenario}: ${expectations.join(', ')}\n`)
  }
  const faulty = BUILT_IN_INTEGRATIONS.filter((integration) => integration.caughtBy).length
  io.stdout.write(
    `\n${faulty} faulty integrations, each the reference with one bug. Try one:\n  bank-sandbox scenario run --all --integration faulty/<name>\n`,
  )
  return 0
}
