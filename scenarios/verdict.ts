/** What one expectation found in a run. */
export interface Verdict {
  id: string
  says: string
  passed: boolean
  /** False when the run never got far enough to judge this expectation. */
  evaluated?: false
  /** What was found, in a sentence a person can act on. */
  message: string
  evidence: string[]
}
