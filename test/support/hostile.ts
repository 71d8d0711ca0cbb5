import fc from 'fast-check'

// Text a hostile client sends: NUL, lone surrogates, dot segments, raw escapes no encoder
// makes, huge strings, injection strings, and values of the wrong type; beside it, the
// plain text a well-behaved client sends.

/** Any UTF-16 code unit, lone surrogates included (fast-check's own units leave them out). */
const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code))

const HOSTILE = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfff',
  '\udc00\ud800',
  '..',
  '../..',
  '.',
  '🍕',
  '\u202e',
  '\ufeff',
  '\uffff',
  '',
  ' ',
  '\n',
  "'; DROP TABLE bank_sandbox_records; --",
  '<script>alert(1)</script>',
  `\${jndi:ldap://x}`,
  '-1',
  '1e400',
  'NaN',
  'null',
  '__proto__',
  'constructor',
  'Ｈａｒｂｏｒ',
]

export const hostileText: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...HOSTILE) },
  { weight: 4, arbitrary: fc.string({ unit: anyUnit, maxLength: 12 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom(1_000, 20_000, 300_000).map((n) => 'x'.repeat(n)) },
)

/** Escapes as they come on the wire but that no encoder makes: a NUL, a surrogate in WTF-8, broken ones. */
const RAW_ESCAPES = ['%00', '%', '%zz', '%2e%2e', '%2f', '%C0%80', '%ED%A0%80', '%FF', '%25%30%30']

/** Percent-encodes each code point as UTF-8, and a lone surrogate as the three bytes WTF-8 gives it. */
export function escaped(text: string): string {
  let out = ''
  for (const char of text) {
    if (/^[A-Za-z0-9._~-]$/.test(char)) {
      out += char
      continue
    }
    const point = char.codePointAt(0) ?? 0
    const bytes =
      point < 0x80
        ? [point]
        : point < 0x800
          ? [0xc0 | (point >> 6), 0x80 | (point & 63)]
          : point < 0x10000
            ? [0xe0 | (point >> 12), 0x80 | ((point >> 6) & 63), 0x80 | (point & 63)]
            : [
                0xf0 | (point >> 18),
                0x80 | ((point >> 12) & 63),
                0x80 | ((point >> 6) & 63),
                0x80 | (point & 63),
              ]
    out += bytes.map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('')
  }
  return out
}

/** Short printable ASCII: what a well-behaved client sends. */
export const plainText = fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 20 })

/** A value for the URL: escaped hostile text, a raw escape, or (given) one that names something real. */
export const urlValue = (real: readonly string[] = [], hostile = true): fc.Arbitrary<string> =>
  !hostile
    ? real.length > 0
      ? fc.constantFrom(...real)
      : plainText.map(escaped)
    : fc.oneof(
        { weight: 3, arbitrary: hostileText.map(escaped) },
        { weight: 1, arbitrary: fc.constantFrom(...RAW_ESCAPES) },
        ...(real.length > 0 ? [{ weight: 12, arbitrary: fc.constantFrom(...real) }] : []),
      )

export const wrongType = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant([]),
  fc.constant({}),
  hostileText,
)
