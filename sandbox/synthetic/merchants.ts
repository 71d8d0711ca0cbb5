// The merchant table: fictional but realistic names under real ISO 18245 merchant
// category codes, with log-normal charge amounts per category. Merchant objects are
// shared and frozen, so a transaction points at its merchant instead of copying it.
import type { Merchant } from './types.ts'

export interface MerchantEntry {
  merchant: Merchant
  /** What the statement shows, e.g. "SQ *CORNER BEAN COFFEE". */
  descriptor: string
  /** Sells inside the messaging platform (the `platform` channel). */
  platform: boolean
}

export interface Category {
  key: string
  mcc: string
  /** ln of the median charge in cents; amounts are exp(N(mu, sigma)). */
  mu: number
  sigma: number
  channels: 'store' | 'online' | 'both'
  merchants: readonly MerchantEntry[]
  /** Position in the table; salts a person's favourite merchant per category. */
  salt: number
}

interface Spec {
  name: string
  via?: string
  platform?: boolean
}

const categories: Category[] = []

function category(
  key: string,
  mcc: string,
  medianDollars: number,
  sigma: number,
  channels: Category['channels'],
  specs: readonly (string | Spec)[],
): Category {
  const merchants = specs.map((spec): MerchantEntry => {
    const { name, via = '', platform = false } = typeof spec === 'string' ? { name: spec } : spec
    return { merchant: Object.freeze({ name, mcc, category: key }), descriptor: `${via}${name}`, platform }
  })
  const made = {
    key,
    mcc,
    mu: Math.log(medianDollars * 100),
    sigma,
    channels,
    merchants,
    salt: categories.length,
  }
  categories.push(made)
  return made
}

const p = (name: string, via = ''): Spec => ({ name, via, platform: true })
const sq = (name: string): Spec => ({ name, via: 'SQ *' })
const tst = (name: string): Spec => ({ name, via: 'TST* ' })

// Everyday spending.
export const grocery = category('grocery', '5411', 45, 0.65, 'both', [
  'FRESHWAY MARKET',
  'GREENLEAF GROCERS',
  'VALLEY FOODS',
  p('HARVEST TABLE MARKET'),
  'CORNERSTONE SUPERMARKET',
  sq('NORTHSIDE FOOD CO-OP'),
])
export const restaurants = category('restaurants', '5812', 38, 0.55, 'both', [
  tst('LUCIA TRATTORIA'),
  tst('EMBER & OAK'),
  'THE COPPER SPOON',
  p('SAKURA GARDEN'),
  tst('EL JARDIN TAQUERIA'),
  'HARBOR FISH HOUSE',
])
export const fastFood = category('fast_food', '5814', 11, 0.5, 'both', [
  sq('CORNER BEAN COFFEE'),
  sq('DAILY GRIND CAFE'),
  p('BURGER BARN'),
  'TACO RAPIDO',
  p('SLICE CITY PIZZA'),
  p('GOLDEN WOK EXPRESS'),
])
export const fuel = category('fuel', '5541', 42, 0.35, 'store', [
  'SUNRISE FUEL',
  'PEAK PETROLEUM',
  'ROADRUNNER GAS',
  'MILEPOST FUEL STOP',
])
export const transit = category('transit', '4111', 3.25, 0.5, 'store', [
  'METRO TRANSIT AUTHORITY',
  'CITYLINK FARES',
  'REGIONAL RAIL TICKETS',
])
export const rideshare = category('rideshare', '4121', 19, 0.55, 'online', [
  p('ZIPRIDE'),
  'HAILR',
  'CITYCAB CO',
])
export const departmentStores = category('department_store', '5311', 62, 0.7, 'both', [
  "MAYFIELD'S",
  'BRANDT & CO',
  'THE EMPORIUM',
  'HALLORAN DEPARTMENT STORE',
])
export const electronics = category('electronics', '5732', 110, 0.9, 'both', [
  'VOLTAGE ELECTRONICS',
  'CIRCUITWORKS',
  p('PIXEL & PLUG'),
  'BYTEMART',
])
export const pharmacy = category('pharmacy', '5912', 21, 0.6, 'store', [
  'WELLSPRING PHARMACY',
  'CORNER DRUG',
  'RXPRESS',
])
export const cinema = category('cinema', '7832', 28, 0.4, 'both', [
  p('GRAND PALACE CINEMAS'),
  'STARLIGHT THEATERS',
])
export const airlines = category('airlines', '4511', 320, 0.55, 'online', [
  'SKYWARD AIRLINES',
  'BLUEJET AIR',
  'PACIFIC CREST AIRWAYS',
])
export const hotels = category('hotels', '7011', 210, 0.55, 'both', [
  'HARBORVIEW HOTEL',
  'THE WANDERER INN',
  'SUMMIT SUITES',
])
export const books = category('books', '5942', 22, 0.5, 'both', [p('PAGE TURNER BOOKS'), 'INKWELL BOOKSHOP'])
export const miscRetail = category('misc_retail', '5999', 28, 0.85, 'both', [
  p('ODDS & ENDS SHOP'),
  p('THE CRAFTY FOX'),
  'MARKETPLACE GOODS',
])
export const clothing = category('clothing', '5651', 55, 0.6, 'both', [
  p('THREADLINE'),
  'URBAN WEAVE',
  'DENIM & DRIFT',
])
export const homeImprovement = category('home_improvement', '5200', 70, 0.85, 'store', [
  'HAMMER & NAIL',
  'BUILDRIGHT SUPPLY',
])
export const bars = category('bars', '5813', 32, 0.5, 'store', [
  'THE RUSTY ANCHOR',
  tst('HOPS & BARLEY TAPROOM'),
])
export const parking = category('parking', '7523', 12, 0.5, 'store', [
  'PARKSMART GARAGE',
  'CITY PARKING METERS',
])
export const digitalGoods = category('digital_goods', '5816', 15, 0.8, 'online', [
  p('PIXELFORGE GAMES'),
  'ARCADIA DIGITAL',
])
export const giftCards = category('gift_cards', '5947', 100, 0.5, 'online', [
  'GIFTCARD HUB',
  'E-GIFT EXPRESS',
])
export const donations = category('donations', '8398', 25, 0.7, 'online', [
  'HELPING HANDS FOUNDATION',
  'OPEN DOOR CHARITY',
])
// ATM amounts are whole $20 notes, drawn by the purchase generator, not log-normal.
export const atm = category('atm', '6011', 80, 0, 'store', ['ATM WITHDRAWAL'])

// Billed monthly at a fixed price; see `subscriptionPlans`.
export const streaming = category('streaming', '4899', 15, 0, 'online', [
  'STREAMBOX',
  'FLIXNEST',
  'CABLEVISTA',
])
export const telecom = category('telecom', '4814', 60, 0, 'online', [
  'SIGNALWAVE WIRELESS',
  'CLEARTALK MOBILE',
])
export const gym = category('gym', '7997', 40, 0, 'online', ['IRONWORKS FITNESS', 'FLOW YOGA STUDIO'])
export const music = category('music', '5815', 10, 0, 'online', ['TUNESTREAM', 'AUDIOVERSE'])
export const software = category('software', '5817', 5, 0, 'online', ['CLOUDLOCKER STORAGE', 'NOTEWISE PRO'])

// Money movements that are not card purchases. ISO 18245 has no payroll code; 6012
// (financial institutions) is the closest honest label, and 6513 covers rent.
export const rent = category('rent', '6513', 1500, 0, 'online', [
  'OAKWOOD PROPERTY MGMT',
  'PARKSIDE APARTMENTS',
  'LIBERTY RENTALS',
])
export const mortgage = category('mortgage', '6012', 2000, 0, 'online', [
  'KEYSTONE HOME LOANS',
  'FIRST HEARTH MORTGAGE',
])
export const income = category('income', '6012', 3000, 0, 'online', [
  'ACME CORP',
  'INITECH',
  'GLOBEX INDUSTRIES',
  'NORTHWIND TRADERS',
  'CONTOSO LTD',
  'BLUE RIDGE HEALTH',
  'CITY SCHOOL DISTRICT',
  'FABRIKAM INC',
])
export const pension = category('pension', '6012', 2500, 0, 'online', [
  'STATE RETIREMENT SYSTEM',
  'TEACHERS PENSION FUND',
])
export const transfer = category('transfer', '6012', 500, 0, 'online', [
  'INTERNAL TRANSFER',
  'EXTERNAL TRANSFER',
])
export const interest = category('interest', '6012', 10, 0, 'online', ['INTEREST PAID'])
export const cardPayment = category('credit_card_payment', '6012', 500, 0, 'online', ['CREDIT CARD PAYMENT'])

export const allCategories: readonly Category[] = categories

/** Every merchant a transaction can carry. */
export const allMerchants: readonly Merchant[] = categories.flatMap((c) => c.merchants.map((m) => m.merchant))

export function entry(category: Category, index: number): MerchantEntry {
  const found = category.merchants[index]
  if (!found) throw new RangeError(`no merchant ${index} in ${category.key}`)
  return found
}

/** Mean of the log-normal charge of a category, in cents. */
export function meanCharge(category: Category): number {
  return Math.exp(category.mu + (category.sigma * category.sigma) / 2)
}
