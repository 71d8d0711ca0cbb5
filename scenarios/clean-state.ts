import type { Target } from './target.ts'

// Every run starts from a clean bank state, whatever earlier runs or a person clicking
// around left behind: no faults, outage windows or rate limits, every partnership active
// (every bank sends partnership.restored, whether or not it had withdrawn), and the
// simulation clock frozen so that only the scenario's steps move it.

export async function cleanBankState(target: Target, bankIds: readonly string[]): Promise<void> {
  const { control } = target
  for (const bankId of bankIds) {
    await control.call('DELETE', `/sandbox/banks/${bankId}/faults`)
    await control.call('POST', `/sandbox/banks/${bankId}/partnership`, { status: 'active' })
  }
  await control.call('POST', '/sandbox/clock', { mode: 'frozen' })
  // The integration hears partnership.restored before anyone asks it for a link.
  await target.settle()
}
