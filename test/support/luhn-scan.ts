/** Every run of 13–19 digits (spaces or dashes allowed between groups) that passes Luhn. */
export function findCardNumbers(text: string): string[] {
  const found: string[] = []
  for (const match of text.matchAll(/\d(?:[ -]?\d){12,18}/g)) {
    const digits = match[0].replace(/[ -]/g, '')
    if (luhnValid(digits)) found.push(digits)
  }
  return found
}

function luhnValid(digits: string): boolean {
  let sum = 0
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i])
    if (i % 2 === 1) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
  }
  return sum % 10 === 0
}
