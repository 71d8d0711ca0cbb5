import type { Deps } from '../deps.ts'
import { conversationOf } from '../platform/conversations.ts'
import { personOfUser } from '../platform/users.ts'
import { toIso } from '../time/clock.ts'
import { customerActivity } from './activity.ts'
import { disputeViews } from './disputes.ts'
import { chatOf, consentsOf, evidenceOf, partnershipOf, recentCalls, recentDeliveries } from './reads.ts'
import type { ScenarioLog } from './scenario-log.ts'
import { pickerChoices, type Selection } from './selection.ts'
import { BanksPanel } from './views/banks.tsx'
import { ChatLog } from './views/chat.tsx'
import { ConsentPanel } from './views/consent.tsx'
import { DisputeTimelines } from './views/dispute-timeline.tsx'
import { InboxPanel } from './views/inbox.tsx'
import { PeopleOptions } from './views/people.tsx'
import { PersonPanel } from './views/person.tsx'
import { Status } from './views/status.tsx'
import { Timeline } from './views/timeline.tsx'
import { TookPanel } from './views/took.tsx'
import { Verdicts } from './views/verdicts.tsx'
import { policyView } from './visibility.ts'

// Every part of the page that changes, by name: the page renders them all once, and the
// client re-fetches one by name (GET /sandbox/demo/panels/{name}) when an event says it moved.

export const PANELS = [
  'status',
  'people',
  'person',
  'chat',
  'disputes',
  'inbox',
  'consent',
  'banks',
  'took',
  'timeline',
  'verdicts',
] as const
export type Panel = (typeof PANELS)[number]

export function renderPanel(panel: Panel, deps: Deps, log: ScenarioLog, { bank, customer }: Selection) {
  const name = customer.person.name
  switch (panel) {
    case 'status':
      return (
        <Status now={toIso(deps.clock.now())} mode={deps.clock.mode()} integrationUrl={deps.integrationUrl} />
      )
    case 'people':
      return <PeopleOptions {...pickerChoices(deps, bank.id)} chosen={customer} />
    case 'person':
      return <PersonPanel activity={customerActivity(deps, customer)} bankName={bank.name} />
    case 'chat':
      return <ChatLog chat={chatOf(deps, customer.person.platformUserId)} name={name} />
    case 'disputes':
      return <DisputeTimelines disputes={disputeViews(deps, bank.id, customer.id)} />
    case 'inbox':
      return <InboxPanel conversation={conversationOf(deps, customer.person.platformUserId)} name={name} />
    case 'consent':
      return <ConsentPanel consents={consentsOf(deps, bank.id, customer.id)} name={name} bank={bank} />
    case 'banks': {
      const { channels } = customerActivity(deps, customer, 0)
      const columns = deps.banks.map((each) => ({
        partnership: partnershipOf(deps, each.id),
        policy: policyView(each, channels),
      }))
      return <BanksPanel columns={columns} name={name} />
    }
    case 'took':
      return <TookPanel evidence={evidenceOf(deps, bank.id, customer.id)} name={name} bank={bank} />
    case 'timeline':
      return <Timeline deliveries={recentDeliveries(deps)} calls={recentCalls(deps)} />
    case 'verdicts': {
      const runs = log.runs()
      const names = new Map(
        runs.flatMap((run) => run.userIds).map((id) => [id, personOfUser(deps, id)?.name ?? id]),
      )
      return <Verdicts runs={runs} names={names} />
    }
  }
}
