import { randomBytes, randomInt } from 'node:crypto'

// Ids and secrets minted by the sandbox. Ids of things that happen (consents, alerts,
// events, messages) must never repeat across resets, restarts or processes: an
// integration that outlives a sandbox process dedupes by them. So each id joins a tag
// drawn at random for this process to a counter. The tag is letters only, so an id never
// holds a run of 13 digits a card-number scan would flag. Codes and tokens come straight
// from the CSPRNG: nothing derived from the seed or a counter can be guessed or replayed.

export interface IdSource {
  /** `<prefix>_<process tag><counter>`, unique across processes, ordered within one. */
  next(prefix: string): string
  /** An unguessable opaque string (codes, tokens). */
  secret(prefix: string): string
  /** 32 fresh unguessable bytes (new webhook secrets). */
  bytes(): Buffer
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz'

/** `length` lowercase letters from the CSPRNG: letters only, so no id holds a digit run a card-number scan would flag. */
export function randomLetters(length: number): string {
  let letters = ''
  for (let i = 0; i < length; i++) letters += LETTERS[randomInt(LETTERS.length)]
  return letters
}

/** 10 letters: 47 bits, so two processes sharing a tag is a one-in-10^14 event. */
export const processTag = (): string => randomLetters(10)

/**
 * `world` marks the tokens of a world other than the default one (`at_wld_….<random>`), so
 * a server of several worlds knows whose a token is before it looks it up; a deleted
 * world's tokens then reach a world that has never heard of them, and answer 401.
 */
export function createIdSource(tag: string = processTag(), world: string | null = null): IdSource {
  let counter = 0
  const scope = world === null ? '' : `${world}.`
  return {
    next: (prefix) => `${prefix}_${tag}${(++counter).toString(36).padStart(6, '0')}`,
    secret: (prefix) => `${prefix}_${scope}${randomBytes(24).toString('base64url')}`,
    bytes: () => randomBytes(32),
  }
}
