import { DAY, scenario } from '../builder.ts'

export const consentExpiry = scenario('consent-expiry', {
  title: 'Consent expiry and re-consent',
  summary:
    'A year after linking, the consent nears its end and expires. The integration warns the user with a "link harbor" hint, shows no data from the expired consent once it has ended, and works again after the user links anew. An integration may put a renewal link in the warning: a balance read under the renewed consent is that consent’s, not the expired one’s.',
  catches: 'silent expiry, stale data after expiry, broken re-consent',
})
  .person('ana', { banks: ['harbor'], linked: ['harbor'] })
  // A balance seen once: what an integration must not keep showing after the end.
  .say('ana', 'balance')
  .mark('year')
  .advance(359 * DAY)
  .mark('expired')
  .advance(7 * DAY)
  .say('ana', 'balance')
  .mark('relink')
  .say('ana', 'link harbor')
  .say('ana', 'balance')
  .expect({
    kind: 'messages',
    id: 'expiry-warned',
    says: 'Before the end the user is told how to renew: "link harbor"',
    role: 'ana',
    after: 'year',
    before: 'expired',
    contains: 'link harbor',
  })
  .expect({
    kind: 'messages',
    id: 'no-data-after-expiry',
    says: 'Once expired, no money drawn from the expired consent reaches the user',
    role: 'ana',
    after: 'expired',
    before: 'relink',
    money: false,
    fromEndedConsentAt: 'harbor',
  })
  .expect({
    kind: 'messages',
    id: 're-consent-works',
    says: 'After linking again the balance shows a money amount',
    role: 'ana',
    after: 'relink',
    money: true,
  })
  .expect({
    kind: 'evidence',
    id: 'receipt-clean',
    says: 'The expired consent’s evidence shows nothing served or shown to the user after it ended',
    checks: ['no-data-after-revocation'],
  })
  .build()
