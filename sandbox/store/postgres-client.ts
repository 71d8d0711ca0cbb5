import type pg from 'pg'

// A connection taken out of the pool and held across calls (the leader's lock, a delivery's
// row lock). The pool listens for errors only on the connections it holds idle: one taken
// out that loses its server emits an 'error' nobody hears, and node ends the process for it.
// Each held connection gets a listener for as long as it is held, and one that broke is
// destroyed on release instead of going back to the pool.

export interface HeldClient {
  readonly client: pg.PoolClient
  /** Whether the connection broke while held (the server went away, or ended it). */
  broken(): boolean
  /** Hands the connection back, or destroys it when it broke or `error` says it may have. */
  release(error?: unknown): void
}

export async function holdClient(
  pool: pg.Pool,
  onBreak: (error: Error) => void = () => {},
): Promise<HeldClient> {
  const client = await pool.connect()
  let broke = false
  let released = false
  const heard = (error: Error) => {
    broke = true
    onBreak(error)
  }
  const ended = () => heard(new Error('Connection terminated'))
  client.on('error', heard)
  client.on('end', ended)
  return {
    client,
    broken: () => broke,
    release(error) {
      if (released) return
      released = true
      client.off('end', ended)
      // Kept on a destroyed connection: a late error from its socket must still find a listener.
      if (!broke && error === undefined) client.off('error', heard)
      client.release(broke || error !== undefined ? true : undefined)
    },
  }
}
