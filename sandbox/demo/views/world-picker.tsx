// Which world the dashboard shows, on a server holding several. A plain GET form: the
// choice is kept in a cookie that routes /demo and the dashboard's own /sandbox/* calls.

export interface WorldChoice {
  current: string | null
  ids: readonly string[]
}

export function WorldPicker({ current, ids }: WorldChoice) {
  if (ids.length === 0 && current === null) return null
  return (
    <form class="pickers" method="get" action="/demo/world" id="world-picker-form">
      <label>
        World{' '}
        <select id="world-picker" name="id">
          <option value="default" selected={current === null}>
            default
          </option>
          {ids.map((id) => (
            <option value={id} selected={id === current}>
              {id}
            </option>
          ))}
        </select>
      </label>
      <button type="submit">Show</button>
    </form>
  )
}
