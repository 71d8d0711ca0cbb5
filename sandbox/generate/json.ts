// JSON: one document, streamed piece by piece:
// {"meta":…,"people":[{…person,"customers":[{…,"accounts":[{…,"transactions":[…]}],"cards":[…]}]}]}
import {
  accountFields,
  cardRecord,
  createTransactionJson,
  customerRecord,
  type Encoder,
  type EncoderContext,
} from './encoder.ts'

/** JSON.stringify(record) minus its closing brace, so nested arrays can follow. */
const open = (record: object) => JSON.stringify(record).slice(0, -1)

export function jsonEncoder(context: EncoderContext): Encoder {
  const transactionJson = createTransactionJson(context)
  return {
    header: (meta) => `{"meta":${JSON.stringify(meta)},"people":[`,
    *person({ person, customers, days }, first) {
      yield `${first ? '' : ','}\n${open(person)},"customers":[`
      let customerSep = ''
      for (const customer of customers) {
        yield `${customerSep}${open(customerRecord(customer))},"accounts":[`
        customerSep = ','
        let accountSep = ''
        for (const account of customer.accounts) {
          yield `${accountSep}${open({ ...accountFields(account), type: account.type })},"transactions":[`
          accountSep = ','
          let sep = ''
          for (const day of days(account)) {
            let text = ''
            for (const t of day) {
              text += sep + transactionJson(t, '')
              sep = ','
            }
            yield text
          }
          yield ']}'
        }
        yield `],"cards":${JSON.stringify(customer.cards.map(cardRecord))}}`
      }
      yield ']}'
    },
    footer: () => '\n]}\n',
  }
}
