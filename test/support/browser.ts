import { existsSync } from 'node:fs'
import { type Browser, chromium, type Page } from 'playwright-core'

// Debian's Chromium driven by playwright-core (which never downloads a browser). A
// missing browser is a failure with the fix in the message, never a silent skip.

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

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

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `No Chromium at ${CHROMIUM_PATH}: the dashboard's browser test needs it. ` +
        'Install it with `apt-get install -y chromium` (.ci/run does), or set CHROMIUM_PATH to another Chromium.',
    )
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS })
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
