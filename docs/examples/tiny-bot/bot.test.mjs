import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { startSandbox } from 'bank-sandbox'
import { startBot } from './bot.mjs'

// The tiny bot's own tests, with the sandbox as a dev dependency: one sandbox for the
// suite, on a free port; each story links a customer of its own. Run: node --test

const DAY = 86_400_000
let sandbox
let bot

before(async () => {
  sandbox = await startSandbox({ port: 0, seed: 42 })
  bot = await startBot({ sandboxUrl: sandbox.url, credentials: sandbox.credentials })
  await sandbox.control.attach(bot.url) // webhooks go to the bot from now on
})
after(async () => {
  await bot?.close()
  await sandbox?.close()
})

/** A customer of the bank, linked to the bot through the consent shortcut (no chat needed). */
async function linkedCustomer(bankId, index) {
  const { data } = await sandbox.control.customers(bankId, { limit: index + 1 })
  const customer = data[index]
  const { consent, code } = await sandbox.control.link(bankId, customer.id)
  await bot.link(customer.platformUserId, bankId, code)
  return { customer, consent, userId: customer.platformUserId }
}

/** The bot's messages to one user, after every webhook in flight has been delivered. */
async function botSaid(userId) {
  await sandbox.control.settle()
  return (await sandbox.control.chat(userId)).filter((m) => m.direction === 'to_user').map((m) => m.text)
}

describe('the tiny bot against the sandbox', () => {
  test('reads a linked customer’s balance', async () => {
    const { customer, userId } = await linkedCustomer('harbor', 0)
    const balance = await bot.balance(userId, customer.accounts[0].id)
    assert.equal(balance.currency, 'USD')
    assert.equal(typeof balance.amount, 'number')
  })

  test('warns the user when a burst of charges raises a fraud alert', async () => {
    const { customer, userId } = await linkedCustomer('harbor', 1)
    const card = customer.cards.find((c) => c.status === 'active')
    await sandbox.control.spend('harbor', card.id, {
      amount: -137,
      count: 30,
      spreadMs: 240_000,
      mcc: '5816',
    })
    assert.ok(
      (await botSaid(userId)).some((text) => text.startsWith(`Possible fraud on card ••${card.last4}`)),
    )
  })

  test('tells the user, and stops reading, when the customer revokes at the bank', async () => {
    const { customer, consent, userId } = await linkedCustomer('harbor', 2)
    await sandbox.control.revoke('harbor', consent.id)
    assert.ok(
      (await botSaid(userId)).includes('Your harbor link has ended. Say "link harbor" to connect again.'),
    )
    assert.equal(await bot.balance(userId, customer.accounts[0].id), null)
  })

  test('warns a week before a link expires, when the clock moves on', async () => {
    const { userId } = await linkedCustomer('meridian', 3)
    await sandbox.control.clock.advance(359 * DAY)
    assert.ok((await botSaid(userId)).includes('Your meridian link ends in a week.'))
  })

  test('tells linked users when their bank withdraws from the service', async () => {
    const { userId } = await linkedCustomer('pinecrest', 4)
    await sandbox.control.withdraw('pinecrest', { status: 'terminating' })
    assert.ok((await botSaid(userId)).includes('pinecrest is leaving the service.'))
  })
})
