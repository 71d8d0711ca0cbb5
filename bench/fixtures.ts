// Links one customer through the control shortcut (as test/helpers.ts does) and records
// the sandbox's exact answers, so the bare baseline can replay the very same bytes.

export interface RecordedResponse {
  /** Path and query, exactly as the load generator will request it. */
  path: string
  status: number
  contentType: string
  /** The body as the sandbox sent it (JSON text). */
  body: string
}

export interface Fixtures {
  token: string
  balances: RecordedResponse
  /** The newest page: the default window, which reaches today (kept only until it could change). */
  transactions: RecordedResponse
  /** A page of settled days only, a week back and more (what the page cache answers). */
  settledTransactions: RecordedResponse
  /** How many transactions the recorded pages hold. */
  pageSize: number
}

interface CustomerPage {
  data: { id: string; accounts: { id: string; type: string }[] }[]
}

const BANK = 'harbor'
const PAGE_LIMIT = 50
const SCOPES = ['accounts:read', 'balances:read', 'transactions:read', 'transactions.all:read']

/** `control`: headers for the control calls, such as the world to record in (X-Sandbox-World). */
export async function recordFixtures(
  baseUrl: string,
  control: Record<string, string> = {},
): Promise<Fixtures> {
  const getJson = <T>(url: string) => getJsonWith<T>(url, control)
  const credentials = await getJson<{ clientId: string; clientSecret: string }>(
    `${baseUrl}/sandbox/credentials`,
  )
  const customers = await getJson<CustomerPage>(`${baseUrl}/sandbox/banks/${BANK}/customers?limit=1`)
  const customer = customers.data[0]
  if (!customer) throw new Error('the sandbox listed no customers')
  // A checking account carries the everyday card spending, so it fills a 50-row page.
  const account = customer.accounts.find((a) => a.type === 'checking') ?? customer.accounts[0]
  if (!account) throw new Error(`customer ${customer.id} has no accounts`)

  const token = await link(baseUrl, customer.id, credentials, control)
  const headers = { Authorization: `Bearer ${token}` }
  const accountPath = `/banks/${BANK}/v1/accounts/${account.id}`
  const balances = await record(baseUrl, `${accountPath}/balances`, headers)
  // The default window is 30 days; if that is too short for 50 rows, ask for the whole history.
  let transactions = await record(baseUrl, `${accountPath}/transactions?limit=${PAGE_LIMIT}`, headers)
  if (pageLength(transactions) < PAGE_LIMIT) {
    transactions = await record(baseUrl, `${accountPath}/transactions?${window(0, 89)}`, headers)
  }
  // Days settle within four days of booking: a window ending a week back is settled.
  let settledTransactions = await record(baseUrl, `${accountPath}/transactions?${window(7, 29)}`, headers)
  if (pageLength(settledTransactions) < PAGE_LIMIT) {
    settledTransactions = await record(baseUrl, `${accountPath}/transactions?${window(7, 82)}`, headers)
  }
  const pageSize = Math.min(pageLength(transactions), pageLength(settledTransactions))
  return { token, balances, transactions, settledTransactions, pageSize }
}

/** `limit`, `from` and `to` for a window ending `back` days ago and spanning `span` more. */
function window(back: number, span: number): string {
  const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10)
  return `limit=${PAGE_LIMIT}&from=${day(back + span)}&to=${day(back)}`
}

async function link(
  baseUrl: string,
  customerId: string,
  credentials: { clientId: string; clientSecret: string },
  control: Record<string, string>,
) {
  const grant = await fetch(`${baseUrl}/sandbox/banks/${BANK}/customers/${customerId}/consents`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...control },
    body: JSON.stringify({ scopes: SCOPES, purpose: 'account_servicing' }),
  })
  if (grant.status !== 201) throw new Error(`consent failed: ${grant.status} ${await grant.text()}`)
  const { code } = (await grant.json()) as { code: string }
  const basic = Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString('base64')
  const res = await fetch(`${baseUrl}/banks/${BANK}/oauth/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: `Basic ${basic}` },
    body: new URLSearchParams({ grant_type: 'authorization_code', code }).toString(),
  })
  if (res.status !== 200) throw new Error(`token failed: ${res.status} ${await res.text()}`)
  return ((await res.json()) as { access_token: string }).access_token
}

async function record(
  baseUrl: string,
  path: string,
  headers: Record<string, string>,
): Promise<RecordedResponse> {
  const res = await fetch(`${baseUrl}${path}`, { headers })
  const body = await res.text()
  if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${body}`)
  return {
    path,
    status: res.status,
    contentType: res.headers.get('content-type') ?? 'application/json',
    body,
  }
}

async function getJsonWith<T>(url: string, headers: Record<string, string>): Promise<T> {
  const res = await fetch(url, { headers })
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status}`)
  return (await res.json()) as T
}

function pageLength(response: RecordedResponse): number {
  const parsed = JSON.parse(response.body) as { data?: unknown[] }
  return parsed.data?.length ?? 0
}
