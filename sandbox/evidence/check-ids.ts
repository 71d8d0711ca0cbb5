// The privacy checks judged on a consent's evidence, by id, in the order the receipt
// lists them. Scenarios name them in `evidence` expectations.

export const CHECK_IDS = ['only-on-request', 'no-withheld-records', 'no-data-after-revocation'] as const
export type CheckId = (typeof CHECK_IDS)[number]
