// The live feed: GET /sandbox/events as server-sent events. EventSource reconnects by
// itself; after a gap the page may have missed events, so `onResync` asks for a full
// refresh once the stream is back.

/**
 * @param {{ onEvent: (event: {kind: string, at: string, data: any}) => void,
 *           onStatus: (status: 'live' | 'reconnecting') => void,
 *           onResync: () => void }} handlers
 */
export function connectLive({ onEvent, onStatus, onResync }) {
  const source = new EventSource('/sandbox/events')
  let interrupted = false
  source.addEventListener('hello', () => {
    onStatus('live')
    if (interrupted) onResync()
    interrupted = false
  })
  source.addEventListener('sandbox', (message) => {
    let event
    try {
      event = JSON.parse(message.data)
    } catch {
      return // not ours to judge; the next event will do
    }
    if (event && typeof event.kind === 'string') onEvent(event)
  })
  source.addEventListener('error', () => {
    interrupted = true
    onStatus('reconnecting')
  })
  return source
}
