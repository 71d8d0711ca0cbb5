import type { z } from '@hono/zod-openapi'
import { describe, expect, expectTypeOf, test } from 'vitest'
import type * as schemas from './bank/schemas.ts'
import type * as client from './client.ts'
import type { CustomerView } from './control/customers.ts'
import type { Credentials } from './credentials.ts'
import type { JournalEntry } from './store/journal.ts'
import type { LinkTap } from './store/records.ts'
import type { ChatMessage } from './store/state.ts'

// The package's wire types are written out in client.ts so that its .d.ts stands alone.
// `tsc --noEmit` (npm test) holds each one equal to what the routes answer with.

describe('the public client types', () => {
  test('are the zod schemas’ types, field for field', () => {
    expectTypeOf<client.Consent>().toEqualTypeOf<z.infer<typeof schemas.Consent>>()
    expectTypeOf<client.Transaction>().toEqualTypeOf<z.infer<typeof schemas.Transaction>>()
    expectTypeOf<client.Account>().toEqualTypeOf<z.infer<typeof schemas.Account>>()
    expectTypeOf<client.Card>().toEqualTypeOf<z.infer<typeof schemas.Card>>()
    expectTypeOf<client.Money>().toEqualTypeOf<z.infer<typeof schemas.Money>>()
    expectTypeOf<client.Scope>().toEqualTypeOf<z.infer<typeof schemas.ScopeName>>()
    expectTypeOf<client.Purpose>().toEqualTypeOf<z.infer<typeof schemas.PurposeName>>()
    expectTypeOf<client.Customer>().toEqualTypeOf<z.infer<typeof CustomerView>>()
    expect(true).toBe(true)
  })

  test('are the store’s records as the control API shows them', () => {
    expectTypeOf<client.Credentials>().toEqualTypeOf<Credentials>()
    expectTypeOf<client.ChatLine>().toEqualTypeOf<ChatMessage>()
    expectTypeOf<client.JournalEntry>().toEqualTypeOf<JournalEntry>()
    expectTypeOf<client.LinkTap>().toEqualTypeOf<LinkTap>()
    expect(true).toBe(true)
  })
})
