import { scenario } from '../builder.ts'

export const forgedCallback = scenario('forged-callback', {
  title: 'Forged callback',
  summary:
    'Someone sends the integration an OAuth callback with a real code but a state it never issued (login CSRF). The integration refuses it and links nothing.',
  catches: 'missing CSRF check',
})
  .person('ana', { banks: ['harbor'] })
  .mark('forged')
  .forgeCallback('ana', 'harbor')
  .expect({
    kind: 'forgeriesRefused',
    id: 'forged-callback-refused',
    says: 'The forged callback is refused (a 4xx)',
  })
  .expect({
    kind: 'calls',
    id: 'nothing-linked',
    says: 'The integration never exchanges the forged code',
    bankId: 'harbor',
    after: 'forged',
    route: '/banks/:bankId/oauth/token',
    max: 0,
  })
  .build()
