// NDJSON: one object per line, each with a `type`: "meta" first, then per person a
// "person" line, and per customer a "customer" line, its "account" and "card" lines
// and its "transaction" lines. An account's own type is `accountType` there, because
// `type` names the record.
import {
  accountFields,
  cardRecord,
  createTransactionJson,
  customerRecord,
  type Encoder,
  type EncoderContext,
} from './encoder.ts'

export function ndjsonEncoder(context: EncoderContext): Encoder {
  const transactionJson = createTransactionJson(context)
  const line = (type: string, record: object) => `${JSON.stringify({ type, ...record })}\n`
  return {
    header: (meta) => line('meta', meta),
    *person({ person, customers, days }) {
      yield line('person', person)
      for (const customer of customers) {
        yield line('customer', customerRecord(customer))
        for (const account of customer.accounts) {
          yield line('account', { ...accountFields(account), accountType: account.type })
        }
        for (const card of customer.cards) yield line('card', cardRecord(card))
        for (const account of customer.accounts) {
          for (const day of days(account)) {
            let text = ''
            for (const t of day) text += `${transactionJson(t, '"type":"transaction",')}\n`
            yield text
          }
        }
      }
    },
    footer: () => '',
  }
}
