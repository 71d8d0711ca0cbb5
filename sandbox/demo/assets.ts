import { readdirSync, readFileSync } from 'node:fs'

// The dashboard's own scripts and styles, by file name, read once from ./assets. The built
// bundle has no such folder beside it: scripts/build.mjs puts this module's answer inline
// (`inlineDemoAssets`), so `dist/`, an installed package and the sources serve the same bytes.

const FOLDER = new URL('./assets/', import.meta.url)

export const DEMO_ASSETS: ReadonlyMap<string, string> = new Map(
  readdirSync(FOLDER).map((name) => [name, readFileSync(new URL(name, FOLDER), 'utf8')]),
)
