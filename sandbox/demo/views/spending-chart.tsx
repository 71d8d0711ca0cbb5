import type { Activity } from '../activity.ts'
import { roundDollars, shortDate, words } from '../format.ts'
import { type CategorySpend, total } from '../spending.ts'

// Spending by category as an inline SVG bar chart: one bar per category, split into
// platform and off-platform spending, with flagged (alerted) charges marked in red.
// Presentation attributes only (no style attributes), so the page's CSP holds.

const WIDTH = 560
const ROW = 28
const TOP = 8
const LABEL_END = 132
const BAR_START = 140
const BAR_MAX = 250
const FLAG_X = 470

export const CHART_COLOURS = {
  platform: '#0969da',
  offPlatform: '#9a6700',
  flagged: '#cf222e',
  text: '#1f2328',
}

export function SpendingChart({ spending }: { spending: Activity['spending'] }) {
  const rows = spending.categories
  const caption = `Card spending by category, ${shortDate(spending.from)} – ${shortDate(spending.to)}`
  if (rows.length === 0) return <p class="empty">No card spending in the last 90 days.</p>
  const largest = Math.max(...rows.map(total), 1)
  const height = TOP * 2 + rows.length * ROW
  return (
    <figure class="chart">
      <figcaption>{caption}</figcaption>
      <ChartLegend />
      <svg
        viewBox={`0 0 ${WIDTH} ${height}`}
        width="100%"
        role="img"
        aria-labelledby="spending-title"
        font-family="inherit"
        font-size="13"
        data-testid="spending-chart"
      >
        <title id="spending-title">{caption}</title>
        {rows.map((row, index) => (
          <ChartRow row={row} y={TOP + index * ROW} largest={largest} />
        ))}
      </svg>
    </figure>
  )
}

function ChartRow({ row, y, largest }: { row: CategorySpend; y: number; largest: number }) {
  const scale = BAR_MAX / largest
  // A sliver stays visible for tiny amounts, so no category looks like zero.
  const platformWidth = row.platform > 0 ? Math.max(2, row.platform * scale) : 0
  const offWidth = row.offPlatform > 0 ? Math.max(2, row.offPlatform * scale) : 0
  const barEnd = BAR_START + platformWidth + offWidth
  const middle = y + ROW / 2
  const label = words(row.category)
  const summary = `${label}: ${roundDollars(total(row))} in ${row.count} charge${row.count === 1 ? '' : 's'} (${roundDollars(row.platform)} inside the platform)${row.flagged ? `, ${row.flagged} flagged` : ''}`
  return (
    <g data-category={row.category} data-flagged={row.flagged}>
      <title>{summary}</title>
      <text x={LABEL_END} y={middle} text-anchor="end" dominant-baseline="middle" fill={CHART_COLOURS.text}>
        {label}
      </text>
      {platformWidth > 0 && (
        <rect x={BAR_START} y={y + 5} width={platformWidth} height={ROW - 10} fill={CHART_COLOURS.platform} />
      )}
      {offWidth > 0 && (
        <rect
          x={BAR_START + platformWidth}
          y={y + 5}
          width={offWidth}
          height={ROW - 10}
          fill={CHART_COLOURS.offPlatform}
        />
      )}
      <text x={barEnd + 6} y={middle} dominant-baseline="middle" fill={CHART_COLOURS.text}>
        {roundDollars(total(row))}
      </text>
      {row.flagged > 0 && (
        <g class="flag">
          <path d={`M ${FLAG_X} ${middle - 6} l 6 6 l -6 6 l -6 -6 z`} fill={CHART_COLOURS.flagged} />
          <text
            x={FLAG_X + 10}
            y={middle}
            dominant-baseline="middle"
            fill={CHART_COLOURS.flagged}
            font-weight="600"
          >
            {row.flagged} flagged
          </text>
        </g>
      )}
    </g>
  )
}

function ChartLegend() {
  return (
    <ul class="legend">
      <li>
        <span class="swatch swatch-platform" /> Bought inside the platform
      </li>
      <li>
        <span class="swatch swatch-off" /> Off-platform (in store, online)
      </li>
      <li>
        <span class="swatch swatch-flagged" /> Flagged by the bank’s fraud engine
      </li>
    </ul>
  )
}
