// Where `serve` listens unless told otherwise, and so where the commands that talk to a
// running sandbox (`world`, `evidence`, `scenario run` against a URL) look for one.

export const DEFAULT_HOST = '127.0.0.1'
export const DEFAULT_PORT = 4545
/** --sandbox when it is not given. */
export const DEFAULT_SANDBOX_URL = `http://${DEFAULT_HOST}:${DEFAULT_PORT}`
