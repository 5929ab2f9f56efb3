// Finding and loading the app a CLI command works on: the entry given, else main.ts, app.ts or src/main.ts
// (and their .js twins) in the working directory, exporting the App as `default` or `app`.
import { existsSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { App } from '@fasterapi/http'
import { CliError } from '../errors.ts'

export const CANDIDATES = ['main.ts', 'app.ts', 'src/main.ts', 'src/app.ts', 'main.js', 'app.js', 'src/main.js']

export function findEntry(cwd: string, given: string | undefined): string {
  if (given !== undefined) {
    const path = resolve(cwd, given)
    if (!existsSync(path) || !statSync(path).isFile()) throw new CliError('CLI_BAD_ENTRY', `No such file: ${given}`)
    return path
  }
  const found = CANDIDATES.map((name) => resolve(cwd, name)).find((path) => existsSync(path))
  if (found === undefined) {
    throw new CliError(
      'CLI_BAD_ENTRY',
      `No app found in ${cwd}: looked for ${CANDIDATES.join(', ')}. Pass the file: fasterapi dev path/to/app.ts`,
    )
  }
  return found
}

// the App class may come from another copy of @fasterapi/http than ours: recognise it by shape
function isApp(value: unknown): value is App {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as App).handle === 'function' &&
    typeof (value as App).openapi === 'function' &&
    typeof (value as App).startup === 'function'
  )
}

export async function loadApp(entry: string): Promise<App> {
  const mod = (await import(pathToFileURL(entry).href)) as { default?: unknown; app?: unknown }
  const app = isApp(mod.default) ? mod.default : isApp(mod.app) ? mod.app : undefined
  if (app === undefined) {
    const names = Object.keys(mod).join(', ') || 'nothing'
    throw new CliError(
      'CLI_BAD_ENTRY',
      `${entry} exports no App as \`default\` or \`app\` (it exports ${names}). Add: export default app`,
    )
  }
  return app
}
