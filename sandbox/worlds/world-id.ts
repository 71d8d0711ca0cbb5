import { randomLetters } from '../store/ids.ts'

// A world's id is all a request needs to act in it once the admin key is known, and its
// client id and tokens carry it; a process tag plus a counter let anyone who saw one id
// guess the next. So ids are drawn from the CSPRNG: 20 letters, 94 bits.

/** `wld_` and 20 random lowercase letters. Ids made before (a tag and a counter) still parse. */
export const newWorldId = (): string => `wld_${randomLetters(20)}`
