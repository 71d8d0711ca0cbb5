// Renders the results as a Markdown table: readable in a terminal as printed, and the
// same text lands in bench/out/latest.md.

export interface Row {
  measure: string
  sandbox: string
  baseline: string
  ratio: string
  target: string
  /** 'met', 'MISSED', or '' for figures that carry no target. */
  status: string
}

const HEADER: Row = {
  measure: 'Measure',
  sandbox: 'Sandbox',
  baseline: 'Baseline',
  ratio: 'Ratio',
  target: 'Target',
  status: 'Status',
}
const COLUMNS = Object.keys(HEADER) as (keyof Row)[]
const RIGHT_ALIGNED = new Set<keyof Row>(['sandbox', 'baseline', 'ratio'])

export function verdict(met: boolean | null): string {
  if (met === null) return 'n/a'
  return met ? 'met' : 'MISSED'
}

export function renderTable(rows: readonly Row[]): string {
  const widths = COLUMNS.map((column) => Math.max(...[HEADER, ...rows].map((row) => row[column].length)))
  const line = (row: Row) =>
    `| ${COLUMNS.map((column, i) => {
      const width = widths[i] ?? 0
      return RIGHT_ALIGNED.has(column) ? row[column].padStart(width) : row[column].padEnd(width)
    }).join(' | ')} |`
  // Spaced like the cells, so Biome (which also formats Markdown) accepts the written file as is.
  const rule = `| ${COLUMNS.map((column, i) => {
    const width = widths[i] ?? 0
    return RIGHT_ALIGNED.has(column) ? `${'-'.repeat(width - 1)}:` : '-'.repeat(width)
  }).join(' | ')} |`
  return [line(HEADER), rule, ...rows.map(line)].join('\n')
}
