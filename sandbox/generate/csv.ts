// CSV (RFC 4180: CRLF line ends, fields with a comma, quote or line break quoted,
// quotes doubled): a header, then one row per transaction joined with its owners.
//
// Columns:
//   transactionId   txn_… id
//   bookedAt        ISO 8601 UTC with milliseconds
//   postedAt        when it settles (ISO 8601 UTC)
//   status          pending | posted, as of the export's "now"
//   amount          signed integer minor units (cents); a charge is negative
//   currency        USD
//   channel         in_store | online | platform
//   merchantName, mcc, category, description, city
//   fraud           ground-truth pattern, empty when legitimate
//   accountId, accountType, cardId (empty for non-card items), customerId, bankId,
//   platformUserId, personIndex, archetype
//   seed            the world's seed, so every file records where it came from
import { decimal } from './decimal.ts'
import type { Encoder, EncoderContext, ExportMeta } from './encoder.ts'

const COLUMNS = [
  'transactionId',
  'bookedAt',
  'postedAt',
  'status',
  'amount',
  'currency',
  'channel',
  'merchantName',
  'mcc',
  'category',
  'description',
  'city',
  'fraud',
  'accountId',
  'accountType',
  'cardId',
  'customerId',
  'bankId',
  'platformUserId',
  'personIndex',
  'archetype',
  'seed',
]

export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value
}

export function csvEncoder({ nowMs, iso }: EncoderContext): Encoder {
  let seed = ''
  return {
    header(meta: ExportMeta) {
      seed = csvField(String(meta.seed))
      return `${COLUMNS.join(',')}\r\n`
    },
    *person({ person, customers, days }) {
      const personPart = `${csvField(person.platformUserId)},${person.index},${person.archetype},${seed}\r\n`
      for (const customer of customers) {
        for (const account of customer.accounts) {
          const owner = `${csvField(account.type)},`
          const tail = `${csvField(customer.id)},${csvField(customer.bankId)},${personPart}`
          for (const day of days(account)) {
            let text = ''
            for (const t of day) {
              text += `${csvField(t.id)},${iso(t.bookedAtMs)},${iso(t.postedAtMs)},${
                t.postedAtMs > nowMs ? 'pending' : 'posted'
              },${decimal(t.amount)},USD,${t.channel},${csvField(t.merchant.name)},${t.merchant.mcc},${t.merchant.category},${csvField(
                t.description,
              )},${csvField(t.city)},${t.fraud ?? ''},${csvField(t.accountId)},${owner}${t.cardId === null ? '' : csvField(t.cardId)},${tail}`
            }
            yield text
          }
        }
      }
    },
    footer: () => '',
  }
}
