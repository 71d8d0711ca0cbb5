// Luhn (mod 10) arithmetic for card numbers, and a scanner that finds anything that
// looks like a card number in text (used to prove exports and ids never leak one).

/** The check digit that makes `body + digit` Luhn-valid. */
export function luhnCheckDigit(body: string): string {
  let sum = 0
  // Walking from the right, the digit next to the (future) check digit is doubled.
  for (let i = body.length - 1, double = true; i >= 0; i--, double = !double) {
    let d = body.charCodeAt(i) - 48
    if (double) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
  }
  return String((10 - (sum % 10)) % 10)
}

export function isLuhnValid(digits: string): boolean {
  if (!/^\d{2,}$/.test(digits)) return false
  return luhnCheckDigit(digits.slice(0, -1)) === digits.slice(-1)
}

/** Every maximal run of 13–19 digits in `text` that passes Luhn. */
export function findCardNumbers(text: string): string[] {
  const found: string[] = []
  for (const match of text.matchAll(/\d{13,}/g)) {
    const run = match[0]
    if (run.length <= 19 && isLuhnValid(run)) found.push(run)
  }
  return found
}
