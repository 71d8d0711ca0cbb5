import { randomInt } from 'node:crypto'

// A world's id is all a request needs to act in it once the admin key is known, and its
// client id and tokens carry it; a process tag plus a counter let anyone who saw one id
// guess the next. So ids are drawn from the CSPRNG: 20 letters, 94 bits. Letters only,
// as every id here: no run of 13 digits for a card-number scan to flag.

const LETTERS = 'abcdefghijklmnopqrstuvwxyz'
const LENGTH = 20

/** `wld_` and 20 random lowercase letters. Ids made before (a tag and a counter) still parse. */
export function newWorldId(): string {
  let id = 'wld_'
  for (let i = 0; i < LENGTH; i++) id += LETTERS[randomInt(LETTERS.length)]
  return id
}
