// Integer → decimal text without V8's number-to-string cache. That cache lives in the
// old generation, so every string it remembers (one per distinct amount) gets promoted
// and the export's heap grows until the next full GC. Building from digit tables
// allocates only short-lived strings.

const LEAD = Array.from({ length: 1000 }, (_, n) => String(n))
const GROUP = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, '0'))

export function decimal(value: number): string {
  if (!Number.isSafeInteger(value)) return String(value)
  if (value < 0) return `-${decimal(-value)}`
  if (value < 1000) return LEAD[value] as string
  const low = value % 1000
  return `${decimal((value - low) / 1000)}${GROUP[low]}`
}
