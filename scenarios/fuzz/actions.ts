import fc from 'fast-check'
import { DAY, MINUTE } from '../builder.ts'
import {
  action,
  type ExpectationInput,
  type FuzzAction,
  type Played,
  ROLES,
  role,
  type StepInput,
  window,
} from './action-kit.ts'
import { advanceModel } from './advance-model.ts'
import { FAULT_ACTIONS } from './fault-actions.ts'
import { served } from './model.ts'
import { SUMMIT_ACTIONS } from './summit-actions.ts'

// Everything a fuzz run can do, as data: each action draws its parameters, says whether it
// can happen in the model's world, and plays as scenario steps plus the invariants it makes
// checkable (the built-in scenarios' expectations, generalised to any point of any run).
// A new scenario's actions join by adding entries here (or a file of their own, spread in
// at the end); compose.ts knows none by name.

export const FUZZ_ACTIONS: readonly FuzzAction[] = [
  action({
    name: 'ask',
    weight: 4,
    params: fc.record({ role, text: fc.constantFrom('balance', 'balance', 'spending') }),
    play(model, { role, text }, id, at) {
      const person = model.people[role]
      if (!person) return undefined
      const expect: ExpectationInput[] = [
        {
          kind: 'messages',
          id: id('answered'),
          says: 'Every user message gets an answer',
          role,
          ...window(at),
          min: 1,
        },
      ]
      if (text === 'balance' && served(model, role))
        expect.push({
          kind: 'messages',
          id: id('balance-shown'),
          says: 'A linked user asking for the balance is shown money',
          role,
          ...window(at),
          money: true,
        })
      if (model.banks[person.bank]?.partnership === 'terminated')
        expect.push({
          kind: 'calls',
          id: id('no-call-to-withdrawn'),
          says: 'No call to a bank that withdrew',
          bankId: person.bank,
          ...window(at),
          max: 0,
        })
      if (person.anyEnded && !person.linked && !person.relinked)
        expect.push({
          kind: 'messages',
          id: id('nothing-stale'),
          says: 'No money from an ended consent is shown',
          role,
          ...window(at),
          money: false,
          fromEndedConsentAt: person.bank,
        })
      return { steps: [{ kind: 'say', role, text }], expect }
    },
  }),
  action({
    name: 'rush',
    params: fc.constant({}),
    play(model, _params, id, at) {
      // Everyone asks for their balance at once: the busy moment where caches are shared.
      const ask = FUZZ_ACTIONS[0] as FuzzAction<{ role: string; text: string }>
      const played: Played = { steps: [], expect: [] }
      for (const role of ROLES) {
        const one = ask.play(model, { role, text: 'balance' }, (what) => id(`${role}-${what}`), at)
        if (!one) continue
        played.steps.push(...one.steps)
        played.expect.push(...one.expect)
      }
      return played.steps.length > 0 ? played : undefined
    },
  }),
  action({
    name: 'burst',
    params: fc.record({ role, duplicates: fc.constantFrom(0, 2) }),
    play(model, { role, duplicates }, id, at) {
      const person = model.people[role]
      if (!person || person.cardFrozen) return undefined
      // A burst on a card whose alert is still open at the bank joins that alert: nothing new
      // to hear, and no fraud.alert.created (the alert may have opened before any link).
      const joins = person.alertAtBank
      const hears = served(model, role) && !joins
      const linked = served(model, role)
      person.alertAtBank = true
      if (linked && !joins) model.alertCreatedDelivered = true
      const steps: StepInput[] = [
        {
          kind: 'spend',
          role,
          bankId: person.bank,
          amount: -137,
          count: 30,
          spreadMs: 4 * MINUTE,
          mcc: '5816',
        },
      ]
      if (linked && duplicates > 0 && model.alertCreatedDelivered)
        steps.push({ kind: 'redeliver', type: 'fraud.alert.created', times: duplicates })
      const expect: ExpectationInput[] = []
      if (linked) model.webhooks = true
      if (linked)
        expect.push({
          kind: 'messages',
          id: id('alert-coalesced'),
          says: 'A burst and its duplicate deliveries reach the user at most twice',
          role,
          ...window(at),
          max: 2,
        })
      if (hears) {
        person.openAlert = true
        expect.push({
          kind: 'messages',
          id: id('alert-heard'),
          says: 'A linked user hears about a burst on their card, by its last4',
          role,
          ...window(at),
          min: 1,
          namesLast4Of: person.bank,
        })
      }
      return { steps, expect }
    },
  }),
  action({
    name: 'not-me',
    params: fc.record({ role }),
    play(model, { role }, id, at) {
      const person = model.people[role]
      if (!person?.openAlert || !served(model, role)) return undefined
      person.openAlert = false
      person.alertAtBank = false
      person.cardFrozen = true
      return {
        steps: [{ kind: 'say', role, text: 'not me' }],
        expect: [
          {
            kind: 'calls',
            id: id('resolution-relayed'),
            says: '"not me" becomes a fraud resolution at the bank',
            bankId: person.bank,
            ...window(at),
            method: 'POST',
            route: '/banks/:bankId/v1/alerts/:alertId/resolution',
            min: 1,
          },
          {
            kind: 'messages',
            id: id('freeze-confirmed'),
            says: 'The user is told the card is frozen, by its last4',
            role,
            ...window(at),
            min: 1,
            namesLast4Of: person.bank,
          },
          {
            kind: 'card',
            id: id('card-frozen'),
            says: 'The bank froze the card',
            role,
            bankId: person.bank,
            status: 'frozen',
          },
        ],
      }
    },
  }),
  action({
    name: 'revoke',
    params: fc.record({ role, how: fc.constantFrom('at-bank', 'in-chat') }),
    play(model, { role, how }, id, at) {
      const person = model.people[role]
      const bank = person && model.banks[person.bank]
      if (!person?.linked || person.uncertain || bank?.partnership !== 'active') return undefined
      // "disconnect" needs the bank to answer; revoking at the bank does not.
      if (how === 'in-chat' && bank.troubled) return undefined
      const bankId = person.bank
      const first = person.linkedAtSetup && !person.firstEnded
      // A step revokes at the bank the consent the setup made; a later link is the user's own.
      if (how === 'at-bank' && !first) return undefined
      person.linked = false
      person.anyEnded = true
      // An alert raised under an ended consent is no longer the integration's to answer.
      person.openAlert = false
      model.webhooks = true
      if (first) person.firstEnded = true
      const expect: ExpectationInput[] = [
        {
          kind: 'messages',
          id: id('reconnect-hint'),
          says: `After a revocation the user is told "link ${bankId}"`,
          role,
          ...window(at),
          contains: `link ${bankId}`,
        },
      ]
      if (first)
        expect.push(
          {
            kind: 'calls',
            id: id('no-calls-after'),
            says: 'No data call under a consent after it was revoked',
            bankId,
            role,
            after: at,
            method: 'GET',
            max: 0,
          },
          ...(how === 'in-chat'
            ? [
                {
                  kind: 'consent' as const,
                  id: id('disconnect-revokes'),
                  says: '"disconnect" revokes the consent at the bank',
                  role,
                  bankId,
                  status: 'revoked' as const,
                  revokedBy: 'platform' as const,
                },
              ]
            : []),
        )
      const steps: StepInput[] =
        how === 'at-bank'
          ? [{ kind: 'revokeAtBank', role, bankId }]
          : [{ kind: 'say', role, text: `disconnect ${bankId}` }]
      return { steps, expect }
    },
  }),
  action({
    name: 'link',
    params: fc.record({ role }),
    play(model, { role }, id, at) {
      const person = model.people[role]
      const bank = person && model.banks[person.bank]
      if (!person || !bank || person.linked || person.uncertain || bank.troubled) return undefined
      const steps: StepInput[] = [{ kind: 'say', role, text: `link ${person.bank}` }]
      if (bank.partnership !== 'active')
        return {
          steps,
          expect: [
            {
              kind: 'messages',
              id: id('no-new-links'),
              says: 'A withdrawing bank gets no new links',
              role,
              ...window(at),
              min: 1,
              lacks: `/banks/${person.bank}/oauth/authorize`,
            },
          ],
        }
      Object.assign(person, {
        linked: true,
        linkedAtMs: model.nowMs,
        warned: false,
        relinked: person.anyEnded,
      })
      return {
        steps,
        expect: [
          {
            kind: 'messages',
            id: id('link-offered'),
            says: 'The user is sent a link to the bank',
            role,
            ...window(at),
            contains: `/banks/${person.bank}/oauth/authorize`,
          },
        ],
      }
    },
  }),
  action({
    name: 'advance',
    weight: 2,
    // One move, or a year in two (the expiry notice, then the end): renewals happen between.
    params: fc.record({
      moves: fc.constantFrom<readonly number[]>(
        [2 * 60 * MINUTE],
        [DAY],
        [8 * DAY],
        [359 * DAY],
        [359 * DAY, 8 * DAY],
        [359 * DAY, 8 * DAY],
        [366 * DAY],
      ),
    }),
    play(model, { moves }, id, at) {
      const expect: ExpectationInput[] = []
      for (const ms of moves) expect.push(...advanceModel(model, ms, id, at))
      return { steps: moves.map((ms) => ({ kind: 'advance' as const, ms })), expect }
    },
  }),
  action({
    name: 'withdraw',
    params: fc.record({ bankId: fc.constantFrom('harbor', 'meridian'), notice: fc.boolean() }),
    play(model, { bankId, notice }, id, at) {
      const bank = model.banks[bankId]
      if (bank?.partnership !== 'active') return undefined
      bank.partnership = notice ? 'terminating' : 'terminated'
      bank.effectiveAtMs = model.nowMs + 7 * DAY
      if (!notice) model.justTerminated.push(bankId)
      model.webhooks = true
      const expect: ExpectationInput[] = []
      for (const [role, person] of Object.entries(model.people))
        if (person.bank === bankId && person.linked)
          expect.push({
            kind: 'messages',
            id: id(`${role}-told-once`),
            says: 'Each linked user of a withdrawing bank is told, once, at the notice',
            role,
            ...window(at),
            min: 1,
            max: 1,
          })
      return {
        steps: [
          {
            kind: 'withdraw',
            bankId,
            status: notice ? 'terminating' : 'terminated',
            noticeMs: notice ? 7 * DAY : 0,
          },
        ],
        expect,
      }
    },
  }),
  action({
    name: 'outage',
    params: fc.record({ bankId: fc.constantFrom('harbor', 'meridian') }),
    play(model, { bankId }, id, at) {
      const bank = model.banks[bankId]
      const asker = Object.entries(model.people).find(([r, p]) => p.bank === bankId && served(model, r))?.[0]
      if (!bank || !asker || bank.partnership !== 'active') return undefined
      bank.troubled = true
      return {
        steps: [
          { kind: 'faults', bankId, faults: { outageForMs: 3000 } },
          { kind: 'say', role: asker, text: 'balance' },
          { kind: 'say', role: asker, text: 'balance' },
          { kind: 'say', role: asker, text: 'spending' },
        ],
        expect: [
          {
            kind: 'calls',
            id: id('backs-off'),
            says: 'During an outage the integration backs off (Retry-After) instead of hammering',
            bankId,
            ...window(at),
            max: 2,
          },
          {
            kind: 'messages',
            id: id('told-plainly'),
            says: 'During an outage every request is answered, plainly, without a money amount',
            role: asker,
            ...window(at),
            min: 3,
            money: false,
          },
        ],
      }
    },
  }),
  action({
    name: 'forge-webhook',
    params: fc.record({
      role,
      type: fc.constantFrom('consent.revoked', 'fraud.alert.created'),
      forgery: fc.constantFrom('bad-signature', 'stale-timestamp', 'unsigned'),
    }),
    play(model, { role, type, forgery }, id, at) {
      const person = model.people[role]
      if (!person?.linked || person.uncertain || !person.linkedAtSetup || person.firstEnded) return undefined
      model.forgeries++
      return {
        steps: [{ kind: 'forgeWebhook', role, bankId: person.bank, type, forgery: forgery as 'unsigned' }],
        expect: [
          {
            kind: 'messages',
            id: id('no-user-told'),
            says: 'A forged webhook tells nobody anything',
            role,
            ...window(at),
            max: 0,
          },
        ],
      }
    },
  }),
  action({
    name: 'forge-callback',
    params: fc.record({ role }),
    play(model, { role }, id, at) {
      const person = model.people[role]
      // The forged callback carries a real code, which a withdrawing bank no longer issues;
      // summit's codes come only through PAR (its forgery is the mix-up, summit-actions.ts).
      if (!person || person.bank === 'summit' || model.banks[person.bank]?.partnership !== 'active')
        return undefined
      model.forgeries++
      return {
        steps: [{ kind: 'forgeCallback', role, bankId: person.bank }],
        expect: [
          {
            kind: 'calls',
            id: id('nothing-linked'),
            says: 'A forged OAuth callback links nothing (no code redeemed)',
            bankId: person.bank,
            ...window(at),
            route: '/banks/:bankId/oauth/token',
            max: 0,
          },
        ],
      }
    },
  }),
  ...SUMMIT_ACTIONS,
  ...FAULT_ACTIONS,
]
