import { existsSync } from 'node:fs'
import { type Browser, chromium, type Page } from 'playwright-core'

// A Chromium driven by playwright-core (which never downloads one): the one CHROMIUM_PATH
// names, else the one packaged in the npm package @sparticuz/chromium (a dev dependency),
// unpacked to the temporary folder on first use. So `npm ci && npm test` needs no browser
// installed, and every machine runs the same one unless told otherwise.

const ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** The Chromium to launch, and where it came from (for the test log). */
export async function chromiumPath(): Promise<{ path: string; from: string }> {
  const chosen = process.env.CHROMIUM_PATH
  if (chosen) {
    if (!existsSync(chosen)) throw new Error(`CHROMIUM_PATH names ${chosen}, which does not exist.`)
    return { path: chosen, from: 'CHROMIUM_PATH' }
  }
  const packaged = (await import('@sparticuz/chromium')).default
  return { path: await packaged.executablePath(), from: '@sparticuz/chromium' }
}

/** `extraArgs` adds switches, such as `--host-resolver-rules` to point a name at loopback. */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  const { path } = await chromiumPath()
  return chromium.launch({ executablePath: path, args: [...ARGS, ...extraArgs] })
}

/** Every console error and uncaught page error from now on, as readable lines. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()} (${message.location().url})`)
  })
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`))
  return errors
}
