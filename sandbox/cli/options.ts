import { REACTION_MS_BOUNDS } from '../evidence/triggers.ts'
import { UsageError } from '../usage-error.ts'

// Reading an option's value. What is not given is undefined (the command picks its
// default); what is given wrong is a UsageError that names the option and says what it
// takes, which the command line prints with exit status 2.

/** A whole number from min to max (in `unit`, when the message should name one). */
export function wholeNumber(
  value: string | undefined,
  name: string,
  min: number,
  max: number,
  unit?: string,
): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max)
    throw new UsageError(
      `--${name} must be a whole number${unit ? ` of ${unit}` : ''} from ${min} to ${max}.`,
    )
  return n
}

/** --seed: any seed a world can be drawn from. */
export const parseSeed = (value: string | undefined): number | undefined =>
  wholeNumber(value, 'seed', 0, 2 ** 31 - 1)

/** --days: days of history, up to ten years. */
export const parseDays = (value: string | undefined): number | undefined =>
  wholeNumber(value, 'days', 1, 3650)

/** --reaction-ms: how long an integration may take to react, in wall milliseconds. */
export function parseReactionMs(value: string | undefined): number | undefined {
  return wholeNumber(value, 'reaction-ms', REACTION_MS_BOUNDS.min, REACTION_MS_BOUNDS.max, 'milliseconds')
}

/** A duration such as 90s, 30m, 24h or 7d (bare numbers are seconds), in ms. */
export function duration(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined
  const match = /^(\d+)(s|m|h|d)?$/.exec(value)
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match?.[2] ?? 's'] ?? 1_000
  const ms = Number(match?.[1]) * unit
  if (!match || ms < 1_000 || ms > 365 * 86_400_000)
    throw new UsageError(`--${name} must be a duration from 1s to 365d, such as 90s, 30m, 24h or 7d.`)
  return ms
}

/** --platform-policy: open (the default) or window. */
export function parsePlatformPolicy(value: string | undefined): 'open' | 'window' | undefined {
  if (value === undefined) return undefined
  if (value === 'open' || value === 'window') return value
  throw new UsageError('--platform-policy must be open or window.')
}
