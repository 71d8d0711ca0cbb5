import { scenario } from '../builder.ts'

export const forgedWebhook = scenario('forged-webhook', {
  title: 'Forged webhook',
  summary:
    'Someone posts bank webhooks with a bad signature, a stale timestamp and no signature at all. The integration rejects each (4xx), tells no user and keeps the link.',
  catches: 'unsigned trust',
})
  .person('ana', { banks: ['harbor'], linked: ['harbor'] })
  .mark('forged')
  .forgeWebhook('ana', 'harbor', 'consent.revoked', 'bad-signature')
  .forgeWebhook('ana', 'harbor', 'fraud.alert.created', 'stale-timestamp')
  .forgeWebhook('ana', 'harbor', 'consent.revoked', 'unsigned')
  .mark('checked')
  .say('ana', 'balance')
  .expect({
    kind: 'forgeriesRefused',
    id: 'forgeries-rejected',
    says: 'Every forged webhook is answered with a 4xx',
  })
  .expect({
    kind: 'messages',
    id: 'no-user-told',
    says: 'No user hears about a forged event',
    role: 'ana',
    after: 'forged',
    before: 'checked',
    max: 0,
  })
  .expect({
    kind: 'messages',
    id: 'link-kept',
    says: 'The link survives: the balance still shows a money amount',
    role: 'ana',
    after: 'checked',
    money: true,
  })
  .build()
