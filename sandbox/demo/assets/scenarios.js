// The scenario buttons: listed from GET /sandbox/scenarios, each starting a run with
// POST /sandbox/scenarios/{name}/runs. Progress and verdicts come back as events; a
// button shows its run's state until the run finishes. "Run a scenario file" sends a
// user's YAML or JSON file to POST /sandbox/scenario-files/runs, which runs it the same
// way, or answers with each problem at its line.

/** @param {HTMLElement} container */
export async function showScenarioButtons(container) {
  const buttons = new Map()
  let list
  try {
    const response = await fetch('/sandbox/scenarios')
    if (!response.ok) throw new Error(String(response.status))
    list = (await response.json()).data
  } catch {
    container.replaceChildren(note('This sandbox does not offer scenarios.'))
    return { onEvent() {} }
  }
  const message = note('')
  message.setAttribute('role', 'status')
  container.replaceChildren(
    ...list.map((scenario) => {
      const button = document.createElement('button')
      button.type = 'button'
      button.className = 'scenario'
      button.dataset.scenario = scenario.name
      button.title = `${scenario.summary} Catches: ${scenario.catches}.`
      button.textContent = scenario.title
      button.addEventListener('click', () => start(scenario, button))
      buttons.set(scenario.name, button)
      return button
    }),
    filePicker(),
    message,
  )

  function filePicker() {
    const label = document.createElement('label')
    label.className = 'scenario scenario-file'
    label.textContent = 'Run a scenario file…'
    const input = document.createElement('input')
    input.type = 'file'
    input.accept = '.yaml,.yml,.json'
    input.className = 'scenario-file-input'
    input.setAttribute('data-testid', 'scenario-file')
    input.addEventListener('change', async () => {
      const file = input.files?.[0]
      input.value = ''
      if (!file) return
      message.textContent = ''
      try {
        const response = await fetch('/sandbox/scenario-files/runs', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ file: file.name, text: await file.text() }),
        })
        const body = await response.json()
        if (!response.ok) {
          const problems = (body.errors ?? []).map((e) => `${file.name}, ${e.path}: ${e.message}`)
          throw new Error([body.detail ?? `The sandbox answered ${response.status}.`, ...problems].join('\n'))
        }
        message.textContent = `Running ${file.name} (${body.name}).`
      } catch (error) {
        message.textContent = `${file.name} did not start: ${error.message}`
      }
    })
    label.append(input)
    return label
  }

  // runId → {name, state}, for runs started here or seen starting (from the CLI, say).
  // A run can finish before its POST is answered, so finished ones are remembered.
  const active = new Map()
  const finished = new Set()
  const refreshButton = (name) => {
    const button = buttons.get(name)
    if (!button) return
    const states = [...active.entries()].filter(([, run]) => run.name === name).map(([, run]) => run.state)
    button.disabled = states.length > 0
    if (states.length === 0) delete button.dataset.state
    else button.dataset.state = states.includes('running') ? 'running' : 'queued'
  }

  async function start(scenario, button) {
    message.textContent = ''
    button.disabled = true
    try {
      const response = await fetch(`/sandbox/scenarios/${encodeURIComponent(scenario.name)}/runs`, {
        method: 'POST',
      })
      const body = await response.json()
      if (!response.ok) throw new Error(body.detail ?? `The sandbox answered ${response.status}.`)
      if (!active.has(body.runId) && !finished.has(body.runId))
        active.set(body.runId, { name: scenario.name, state: 'queued' })
    } catch (error) {
      message.textContent = `${scenario.title} did not start: ${error.message}`
    }
    refreshButton(scenario.name)
  }

  return {
    onEvent({ kind, data }) {
      if (typeof data?.runId !== 'string' || typeof data?.name !== 'string') return
      if (kind === 'scenario.started') active.set(data.runId, { name: data.name, state: 'running' })
      else if (kind === 'scenario.finished') {
        active.delete(data.runId)
        finished.add(data.runId)
      } else return
      refreshButton(data.name)
    },
  }
}

function note(text) {
  const element = document.createElement('p')
  element.className = 'muted small scenario-note'
  element.textContent = text
  return element
}
