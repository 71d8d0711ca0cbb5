import { DAY, MINUTE, scenario } from '../builder.ts'

// DESIGN §13 under the `window` policy: 24 h after the user last wrote, the bot may only
// write through a notification token the user granted. A fraud alert three days later
// must still reach them, without refused sends and without the human agent's tag.

export const messagingWindow = scenario('messaging-window', {
  title: 'The 24-hour messaging window',
  summary:
    'Under the window policy: the integration asks for alert opt-in when linking; a fraud alert three days after the user last wrote reaches them through the token; no send is refused and HUMAN_AGENT is never used by the bot.',
  catches: 'alerts lost to the window, tag abuse',
  platformPolicy: 'window',
})
  .person('ana', { banks: ['harbor'], linked: ['harbor'] })
  .mark('quiet')
  .advance(3 * DAY)
  .mark('burst')
  .spend('ana', 'harbor', { amount: -137, count: 30, spreadMs: 4 * MINUTE, mcc: '5816' })
  .mark('end')
  .expect({
    kind: 'optIn',
    id: 'optin-asked',
    says: 'The user was asked to allow alerts, and a token was granted',
    role: 'ana',
  })
  .expect({
    kind: 'messages',
    id: 'alert-reaches-user',
    says: 'The fraud alert reaches the user outside the window, naming the card by its last4',
    role: 'ana',
    after: 'burst',
    min: 1,
    namesLast4Of: 'harbor',
  })
  .expect({
    kind: 'platformCalls',
    id: 'no-refused-sends',
    says: 'No Send API call is refused',
    refused: true,
    max: 0,
  })
  .expect({
    kind: 'platformCalls',
    id: 'no-human-agent-tag',
    says: 'The bot never uses the HUMAN_AGENT tag',
    policyViolation: 'human_agent_tag_from_bot',
    max: 0,
  })
  .build()
