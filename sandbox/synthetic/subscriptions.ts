// Monthly plans people subscribe to, at fixed list prices in cents.
import * as m from './merchants.ts'

export interface SubscriptionPlan {
  entry: m.MerchantEntry
  price: number
}

const plan = (category: m.Category, index: number, price: number): SubscriptionPlan => ({
  entry: m.entry(category, index),
  price,
})

export const subscriptionPlans: readonly SubscriptionPlan[] = [
  plan(m.streaming, 0, 1599),
  plan(m.streaming, 1, 999),
  plan(m.streaming, 2, 8999),
  plan(m.telecom, 0, 6500),
  plan(m.telecom, 1, 4500),
  plan(m.gym, 0, 3999),
  plan(m.gym, 1, 5900),
  plan(m.music, 0, 1099),
  plan(m.music, 1, 999),
  plan(m.software, 0, 299),
  plan(m.software, 1, 799),
]
