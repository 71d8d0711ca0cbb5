// Refreshing panels: each panel is re-fetched as server-rendered HTML. Bursts of events
// (a scenario makes dozens of calls a second) are coalesced: the first event schedules a
// fetch a moment later and the rest ride along; a response that a newer fetch has
// overtaken is dropped, so a slow answer never paints over a fresh one.

const COALESCE_MS = 150

/** @param {() => {bankId: string, customerId: string}} selection */
export function createPanels(selection) {
  const scheduled = new Map()
  const latest = new Map()
  let sequence = 0

  async function load(panel) {
    const mine = ++sequence
    latest.set(panel, mine)
    const { bankId, customerId } = selection()
    const query = new URLSearchParams({ bankId, customerId })
    let html
    try {
      const response = await fetch(`/sandbox/demo/panels/${panel}?${query}`, { cache: 'no-store' })
      if (!response.ok) return
      html = await response.text()
    } catch {
      return // the server went away; the live indicator says so, and a resync follows
    }
    if (latest.get(panel) !== mine) return
    for (const element of document.querySelectorAll(`[data-panel="${panel}"]`)) {
      const stick = element.scrollHeight - element.scrollTop - element.clientHeight < 40
      element.innerHTML = html
      if (element.dataset.stickToBottom !== undefined && stick) element.scrollTop = element.scrollHeight
      element.dispatchEvent(new CustomEvent('panel:loaded', { bubbles: true, detail: { panel } }))
    }
  }

  return {
    /** Fetch soon, once however many times it is asked for. */
    refresh(panel) {
      if (scheduled.has(panel)) return
      scheduled.set(
        panel,
        setTimeout(() => {
          scheduled.delete(panel)
          load(panel)
        }, COALESCE_MS),
      )
    },
    /** Fetch now (after the selection changed). */
    load,
    all() {
      const names = new Set(
        [...document.querySelectorAll('[data-panel]')].map((element) => element.dataset.panel),
      )
      return Promise.all([...names].map((panel) => load(panel)))
    },
  }
}
