import { scenario } from '../builder.ts'

// DESIGN §13: a way out of the bot. "agent", or three messages the bot does not understand,
// must reach the page's human inbox; the bot stays quiet while the agent has the thread,
// and tells the user it is automated when the thread comes back.

export const humanHandover = scenario('human-handover', {
  title: 'Handing over to a person',
  summary:
    'The user asks for an agent, and later the bot fails to understand them three times: each time the integration passes the thread to the page inbox, sends nothing while the agent has it (standby), and on handback tells the user it is an automated assistant.',
  catches: 'doom loops, talking over the agent, no disclosure',
  platformPolicy: 'open',
})
  .person('ana', { banks: ['harbor'], linked: ['harbor'] })
  .mark('ask')
  .say('ana', 'agent')
  .awaitThread('ana', 'inbox')
  .mark('with-agent')
  .say('ana', 'my card was declined at the pharmacy')
  .say('ana', 'thanks, that helps')
  .awaitThread('ana', 'integration')
  .mark('back')
  .say('ana', 'balance')
  .mark('lost')
  .say('ana', 'blah blah')
  .say('ana', 'blah blah')
  .say('ana', 'blah blah')
  .awaitThread('ana', 'inbox')
  .mark('with-agent-again')
  .say('ana', 'is anyone there')
  .say('ana', 'ok, thank you')
  .awaitThread('ana', 'integration')
  .mark('end')
  .expect({
    kind: 'platformCalls',
    id: 'hands-over-on-agent',
    says: '"agent" passes the thread to the page inbox',
    route: 'pass_thread_control',
    refused: false,
    after: 'ask',
    before: 'with-agent',
    min: 1,
  })
  .expect({
    kind: 'platformCalls',
    id: 'quiet-in-standby',
    says: 'While the inbox owns the thread the integration sends nothing (no call refused thread_owned)',
    code: 'thread_owned',
    max: 0,
  })
  .expect({
    kind: 'messages',
    id: 'tells-automated',
    says: 'After the agent hands back, the user is told the bot is automated',
    role: 'ana',
    after: 'with-agent',
    before: 'lost',
    contains: 'automated',
  })
  .expect({
    kind: 'platformCalls',
    id: 'hands-over-when-lost',
    says: 'Three messages the bot does not understand reach the inbox',
    route: 'pass_thread_control',
    refused: false,
    after: 'lost',
    before: 'with-agent-again',
    min: 1,
  })
  .build()
