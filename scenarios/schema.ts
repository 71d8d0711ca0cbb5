import { z } from 'zod'
import { CHECK_IDS } from '../sandbox/evidence/check-ids.ts'

// A scenario is data: who takes part, what happens, and what a correct integration
// must have done, observed on the wires. The builder writes it; the runner
// validates it with these schemas before running anything.

const Name = z.string().regex(/^[a-z][a-z0-9-]*$/, 'lowercase words joined by dashes')
const BankId = z.string().min(1)
const Role = z.string().regex(/^[a-z]+$/, 'a short lowercase name, like ana')

export const Person = z.object({
  role: Role,
  /** Banks the person must be a customer of. */
  banks: z.array(BankId).min(1),
  /** Banks the person must not be a customer of. */
  notAt: z.array(BankId).default([]),
  /** Banks linked through the chat before the timeline starts. */
  linked: z.array(BankId).default([]),
})

export const Step = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('mark'), name: Name }),
  z.object({ kind: z.literal('say'), role: Role, text: z.string().min(1) }),
  z.object({
    kind: z.literal('spend'),
    role: Role,
    bankId: BankId,
    /** Minor units, negative for a charge; one charge per count. */
    amount: z.number().int(),
    count: z.number().int().min(1).max(1000).default(1),
    spreadMs: z.number().int().min(0).default(0),
    mcc: z.string().optional(),
    /** The merchant's name; default a plausible merchant for `mcc`. */
    merchant: z.string().min(1).max(100).optional(),
    channel: z.enum(['in_store', 'online', 'platform']).default('online'),
  }),
  /**
   * The user taps the newest quick reply offered to them whose title contains `title`; if
   * none does, they type `title` instead, as a person would.
   */
  z.object({ kind: z.literal('tap'), role: Role, title: z.string().min(1) }),
  z.object({ kind: z.literal('revokeAtBank'), role: Role, bankId: BankId }),
  z.object({
    kind: z.literal('withdraw'),
    bankId: BankId,
    status: z.enum(['terminating', 'terminated']),
    noticeMs: z.number().int().min(0).default(0),
  }),
  z.object({ kind: z.literal('faults'), bankId: BankId, faults: z.record(z.string(), z.unknown()) }),
  z.object({ kind: z.literal('clearFaults'), bankId: BankId }),
  /** The bank's webhook secret is rotated: deliveries are signed with the new and the previous one. */
  z.object({ kind: z.literal('rotateSecret'), bankId: BankId }),
  z.object({ kind: z.literal('advance'), ms: z.number().int().min(1) }),
  z.object({ kind: z.literal('redeliver'), type: z.string(), times: z.number().int().min(1).max(10) }),
  z.object({
    kind: z.literal('forgeWebhook'),
    role: Role,
    bankId: BankId,
    type: z.string(),
    forgery: z.enum(['bad-signature', 'stale-timestamp', 'unsigned']),
  }),
  z.object({ kind: z.literal('forgeCallback'), role: Role, bankId: BankId }),
  /**
   * A FAPI bank's mix-up (RFC 9207): the person asks to link, approves the link by hand, and
   * the bank's genuine answer reaches the integration first with a wrong `iss`, then with
   * none; the genuine answer is held for `completeCallback`.
   */
  z.object({ kind: z.literal('mixUpCallback'), role: Role, bankId: BankId }),
  /** Delivers the genuine answer `mixUpCallback` held, as the person's browser would. */
  z.object({ kind: z.literal('completeCallback'), role: Role, bankId: BankId }),
  /**
   * Waits, within the reaction budget, until the person's conversation is owned by this
   * app (the integration handed it to the inbox, or the inbox's agent handed it back).
   * It never fails: expectations judge what happened.
   */
  z.object({ kind: z.literal('awaitThread'), role: Role, owner: z.enum(['inbox', 'integration']) }),
])
export type Step = z.infer<typeof Step>

const Window = z.object({ after: Name.optional(), before: Name.optional() })

export const Expectation = z.discriminatedUnion('kind', [
  /** Every delivery attempt in the window answered 2xx within `withinMs`. */
  z.object({
    kind: z.literal('acksInTime'),
    id: Name,
    says: z.string(),
    withinMs: z.number().int(),
    ...Window.shape,
  }),
  /** Facts about the messages a person received in the window. */
  z.object({
    kind: z.literal('messages'),
    id: Name,
    says: z.string(),
    role: Role,
    ...Window.shape,
    min: z.number().int().min(0).optional(),
    max: z.number().int().min(0).optional(),
    /** Some message names this bank's card last4. */
    namesLast4Of: BankId.optional(),
    /** A money amount must appear in some message (true) or in none (false). */
    money: z.boolean().optional(),
    /**
     * With `money: false`, judged per consent: only money drawn from one of the person's
     * consents at this bank after that consent ended counts (the line is in that consent's
     * evidence, `shownAfterEnd`); money read under a newer, active consent does not.
     */
    fromEndedConsentAt: BankId.optional(),
    /** Some message contains this literal; `{bankId}` is not expanded: write it out. */
    contains: z.string().optional(),
    /** No message contains this literal. */
    lacks: z.string().optional(),
    /** Some message offers a quick reply whose title contains this literal. */
    offersQuickReply: z.string().optional(),
    /** Some message matches this regular expression (JavaScript syntax, case-sensitive). */
    matches: z
      .string()
      .refine((source) => {
        try {
          new RegExp(source)
          return true
        } catch {
          return false
        }
      }, 'not a valid regular expression')
      .optional(),
  }),
  /** No run of 12+ digits in any message to anyone. */
  z.object({ kind: z.literal('noCardNumbers'), id: Name, says: z.string() }),
  /** How many calls the integration made to a bank in the window (optionally only data calls for a person). */
  z.object({
    kind: z.literal('calls'),
    id: Name,
    says: z.string(),
    bankId: BankId,
    ...Window.shape,
    role: Role.optional(),
    route: z.string().optional(),
    method: z.string().optional(),
    min: z.number().int().min(0).optional(),
    max: z.number().int().min(0).optional(),
  }),
  /** The state of a person's consent at a bank at the end. */
  z.object({
    kind: z.literal('consent'),
    id: Name,
    says: z.string(),
    role: Role,
    bankId: BankId,
    status: z.enum(['active', 'revoked', 'none']),
    revokedBy: z.enum(['customer', 'platform', 'bank']).optional(),
  }),
  /** A person's card at a bank has this status at the end. */
  z.object({
    kind: z.literal('card'),
    id: Name,
    says: z.string(),
    role: Role,
    bankId: BankId,
    status: z.enum(['active', 'frozen']),
  }),
  /**
   * A person's dispute at a bank of a charge at `merchant`: filed (at least one, and none of
   * another charge), and optionally its due date told to the person in some message
   * (`provisionalCreditDueOn`, or `decisionDueOn` when there is none, as YYYY-MM-DD).
   */
  z.object({
    kind: z.literal('dispute'),
    id: Name,
    says: z.string(),
    role: Role,
    bankId: BankId,
    merchant: z.string().min(1),
    toldDueDate: z.boolean().default(false),
  }),
  /** Every forged request was refused (a 4xx, or no 2xx/3xx for callbacks). */
  z.object({ kind: z.literal('forgeriesRefused'), id: Name, says: z.string() }),
  /**
   * Privacy invariants, judged on the evidence of every consent the cast holds (or one
   * person's): calls only in answer to a user message or a webhook, no off-platform record
   * from a bank that withholds it, nothing served or shown after a revocation or expiry.
   */
  z.object({
    kind: z.literal('evidence'),
    id: Name,
    says: z.string(),
    ...Window.shape,
    role: Role.optional(),
    checks: z
      .array(z.enum(CHECK_IDS))
      .min(1)
      .default([...CHECK_IDS]),
  }),
  /**
   * The integration's calls to the messaging platform in the window (the journal), by
   * route: how many were refused (with a problem `code`), answered, or broke a rule.
   */
  z.object({
    kind: z.literal('platformCalls'),
    id: Name,
    says: z.string(),
    ...Window.shape,
    route: z.enum(['messages', 'pass_thread_control', 'take_thread_control']).default('messages'),
    /** true: only refused calls (4xx) · false: only answered ones (2xx). */
    refused: z.boolean().optional(),
    code: z.string().optional(),
    policyViolation: z.string().optional(),
    min: z.number().int().min(0).optional(),
    max: z.number().int().min(0).optional(),
  }),
  /** The person granted the integration a notification_messages token still usable at the end. */
  z.object({ kind: z.literal('optIn'), id: Name, says: z.string(), role: Role }),
])
export type Expectation = z.infer<typeof Expectation>

export const Scenario = z.object({
  name: Name,
  title: z.string(),
  /** What a correct integration does. */
  summary: z.string(),
  /** The misbehaviour this scenario catches. */
  catches: z.string(),
  seed: z.number().int().default(42),
  /** The messaging platform's policy for the run (DESIGN §13); absent, the sandbox's default. */
  platformPolicy: z.enum(['open', 'window']).optional(),
  people: z.array(Person).min(1),
  steps: z.array(Step),
  expectations: z.array(Expectation).min(1),
})
export type Scenario = z.infer<typeof Scenario>
export type ScenarioInput = z.input<typeof Scenario>
