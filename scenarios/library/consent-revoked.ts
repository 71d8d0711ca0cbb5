import { scenario } from '../builder.ts'

export const consentRevoked = scenario('consent-revoked', {
  title: 'Consent revoked',
  summary:
    'Ana revokes at her bank; Ben says "disconnect harbor" in the chat. On consent.revoked the integration stops all data calls for that consent, drops what it read (no stale balance), and tells the user how to reconnect; "disconnect" revokes at the bank.',
  catches: 'stale data, calls after revocation',
})
  .person('ana', { banks: ['harbor'], linked: ['harbor'] })
  .person('ben', { banks: ['harbor'], linked: ['harbor'] })
  .say('ana', 'balance')
  .mark('revoked')
  .revokeAtBank('ana', 'harbor')
  .mark('asks')
  .say('ana', 'balance')
  .say('ana', 'spending')
  .mark('disconnect')
  .say('ben', 'disconnect harbor')
  .say('ben', 'balance')
  .expect({
    kind: 'messages',
    id: 'balance-before',
    says: 'Before the revocation the balance shows a money amount',
    role: 'ana',
    before: 'revoked',
    money: true,
  })
  .expect({
    kind: 'messages',
    id: 'no-data-after-revocation',
    says: 'After the revocation no money drawn from the revoked consent reaches the user',
    role: 'ana',
    after: 'revoked',
    money: false,
    fromEndedConsentAt: 'harbor',
  })
  .expect({
    kind: 'messages',
    id: 'reconnect-hint',
    says: 'On the revocation, before she asks, the user is told how to reconnect: "link harbor"',
    role: 'ana',
    after: 'revoked',
    before: 'asks',
    contains: 'link harbor',
  })
  .expect({
    kind: 'calls',
    id: 'no-calls-after-revocation',
    // Only Ana acts until the disconnect, so every Harbor data call in this window is one
    // made with her revoked consent: counted by bank and route, refused or not.
    says: 'No data call uses the revoked consent',
    bankId: 'harbor',
    after: 'revoked',
    before: 'disconnect',
    route: '/banks/:bankId/v1/*',
    max: 0,
  })
  .expect({
    kind: 'consent',
    id: 'disconnect-revokes',
    says: '"disconnect harbor" revokes the consent at the bank',
    role: 'ben',
    bankId: 'harbor',
    status: 'revoked',
    revokedBy: 'platform',
  })
  .expect({
    kind: 'calls',
    id: 'no-calls-after-disconnect',
    says: 'Once "disconnect harbor" has revoked Ben’s consent, nothing reads under it again',
    bankId: 'harbor',
    role: 'ben',
    after: 'disconnect',
    method: 'GET',
    max: 0,
  })
  .expect({
    kind: 'messages',
    id: 'disconnect-no-data',
    says: 'After disconnecting, no money amount reaches the user',
    role: 'ben',
    after: 'disconnect',
    money: false,
    contains: 'link harbor',
  })
  .expect({
    kind: 'evidence',
    id: 'receipt-clean',
    says: 'Each consent’s evidence shows nothing served or shown to the user after its revocation',
    checks: ['no-data-after-revocation'],
  })
  .build()
