import { createHash } from 'node:crypto'

// The receipt's stylesheet, inlined in the page so the same HTML stands alone when the
// CLI writes it to a file. The page's CSP allows exactly this stylesheet, by its hash.

export const RECEIPT_CSS = `
:root { --text: #1f2328; --muted: #57606a; --line: #d0d7de; --ok: #116329; --ok-bg: #dafbe1;
  --bad: #a40e26; --bad-bg: #ffebe9; --warn: #6f4a00; --warn-bg: #fff8c5;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", "Liberation Sans", "DejaVu Sans", sans-serif;
  color: var(--text); background: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; }
main { max-width: 60rem; margin: 1.5rem auto; background: #fff; border: 1px solid var(--line);
  border-radius: 8px; padding: 1.5rem 2rem; }
h1 { font-size: 1.5rem; margin: 0 0 0.25rem; }
h2 { font-size: 1.05rem; margin: 1.6rem 0 0.5rem; border-bottom: 1px solid var(--line); padding-bottom: 0.25rem; }
p { margin: 0.3rem 0; }
.fake { display: inline-block; background: var(--warn-bg); color: var(--warn); border-radius: 4px;
  padding: 0.15rem 0.5rem; font-weight: 600; font-size: 0.85rem; }
.muted { color: var(--muted); }
.small { font-size: 0.85rem; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
th, td { text-align: left; vertical-align: top; padding: 0.3rem 0.5rem; border-bottom: 1px solid var(--line); }
th { color: var(--muted); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
code { font-size: 0.85em; }
.badge { display: inline-block; border-radius: 999px; padding: 0 0.5rem; font-size: 0.8rem; font-weight: 600; }
.ok { background: var(--ok-bg); color: var(--ok); }
.bad { background: var(--bad-bg); color: var(--bad); }
.warn { background: var(--warn-bg); color: var(--warn); }
ul.checks { list-style: none; padding: 0; margin: 0; }
ul.checks li { margin: 0.35rem 0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
.totals { display: flex; flex-wrap: wrap; gap: 0.5rem 1.5rem; }
.totals strong { font-size: 1.3rem; display: block; }
tr.nothing td { background: var(--bad-bg); }
footer { margin-top: 1.5rem; }
@media print {
  body { background: #fff; }
  main { border: none; margin: 0; max-width: none; padding: 0; }
  a.back { display: none; }
  tr { break-inside: avoid; }
}
`

/** The CSP source for the inline stylesheet above. */
export const RECEIPT_STYLE_HASH = `'sha256-${createHash('sha256').update(RECEIPT_CSS).digest('base64')}'`
