import { spawn } from 'node:child_process'
import pg from 'pg'
import { recordFixtures } from './fixtures.ts'
import { load } from './load.ts'
import { startBenchPostgres } from './postgres.ts'

const server = await startBenchPostgres()
const url = await server.database()
const child = spawn(
  'node',
  ['dist/bank-sandbox.mjs', 'serve', '--port', '0', '--seed', '42', '--database', url],
  { stdio: ['ignore', 'pipe', 'inherit'] },
)
const base: string = await new Promise((res) =>
  child.stdout.on('data', (d) => {
    const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(String(d))
    if (m) res(m[1] as string)
  }),
)
const f = await recordFixtures(base)
const r = await load(
  `${base}${f.balances.path}`,
  { Authorization: `Bearer ${f.token}` },
  { connections: 10, warmupSeconds: 0.5, seconds: 3 },
)
console.log('req/s', r.requestsPerSecond)
const client = new pg.Client(url)
await client.connect()
console.log((await client.query('SELECT count(*) FROM bank_sandbox_records')).rows)
const q = `EXPLAIN ANALYZE SELECT tbl, key, value, version FROM bank_sandbox_records
 WHERE writer <> 'x' AND tbl <> 'journal' AND tbl NOT LIKE '%journal' AND position('/' in tbl) = 0
 AND (version > 999999999 OR written_at > now() - interval '2 seconds') ORDER BY version`
for (const row of (await client.query(q)).rows) console.log(row['QUERY PLAN'])
await client.end()
child.kill()
await server.stop()
