// A money amount as a person would write it: $1,234.56, USD 12.00, 12.34 USD, -$5. One
// definition for the sandbox's evidence and the scenarios' checks, so both read a chat
// line alike.

export const MONEY =
  /(?:[$€£]\s?-?\d[\d,]*(?:\.\d{2})?)|(?:\b(?:USD|EUR|GBP)\s?-?\d[\d,]*(?:\.\d{2})?)|(?:\b\d[\d,]*\.\d{2}\s?(?:USD|dollars)\b)/i

/** Every money amount in a text, as written. */
export function moneyAmounts(text: string): string[] {
  return [...text.matchAll(new RegExp(MONEY.source, 'gi'))].map((match) => match[0])
}
