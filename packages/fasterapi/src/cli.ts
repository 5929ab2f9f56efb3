#!/usr/bin/env node
// The `fasterapi` command: dev (reload on change), run (production, several processes), routes, openapi.
import { spawn } from 'node:child_process'
import cluster from 'node:cluster'
import { writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { listen } from '@fasterapi/http'
import { CliError } from './errors.ts'
import { OWNER_ENV } from './internal/embedded-postgres.ts'
import { CANDIDATES, findEntry, loadApp } from './internal/entry.ts'

const HELP: Record<string, string> = {
  main: `fasterapi <command> [entry] [options]

Commands:
  dev [entry]       serve on loopback and reload when a file changes
  run [entry]       serve for production (--host, --port, --workers)
  routes [entry]    list the routes: method, pattern, name, dependencies
  openapi [entry]   print (or --out) the OpenAPI document

The entry is a module exporting the App as \`default\` or \`app\`; without one: ${CANDIDATES.join(', ')}.
Without DATABASE_URL, an app using database() gets a private PostgreSQL kept in .pgdata/.
Run \`fasterapi <command> --help\` for a command's options.`,
  dev: `fasterapi dev [entry] [--port 8000] [--host 127.0.0.1]

Serves the app on loopback and restarts it when a file it imports changes (node --watch, TypeScript run as is).
Errors are printed and the command waits for the next change. Ctrl-C stops it and the development database.`,
  run: `fasterapi run [entry] [--host 0.0.0.0] [--port 8000] [--workers N|auto]

Serves the app for production. --workers runs N processes sharing the port (auto: one per core). SIGTERM or
SIGINT closes gracefully: no new connections, in-flight requests finish, then lifespans end.`,
  routes: `fasterapi routes [entry]

Lists every route: method, pattern, name and the dependencies it resolves.`,
  openapi: `fasterapi openapi [entry] [--out openapi.json]

Prints the app's OpenAPI 3.1 document, or writes it to --out.`,
}

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  host: { type: 'string' },
  port: { type: 'string', short: 'p' },
  workers: { type: 'string', short: 'w' },
  out: { type: 'string', short: 'o' },
} as const

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true })
  const [command, entryArg, ...extra] = positionals
  if (command === undefined || !(command in HELP) || command === 'main') {
    if (command === undefined && values.help) return void console.log(HELP.main)
    throw new CliError('CLI_USAGE', `${command ? `Unknown command: ${command}\n\n` : ''}${HELP.main}`)
  }
  if (values.help) return void console.log(HELP[command])
  if (extra.length > 0) throw new CliError('CLI_USAGE', `Unexpected arguments: ${extra.join(' ')}\n\n${HELP[command]}`)
  const entry = findEntry(process.cwd(), entryArg)
  const port = parsePort(values.port)
  if (command === 'dev') return watch(entry, values.host ?? '127.0.0.1', port ?? 8000)
  const app = await loadApp(entry)
  if (command === 'routes') return void console.log(listRoutes(app))
  if (command === 'openapi') {
    const text = `${JSON.stringify(app.openapi(), null, 2)}\n`
    if (values.out) writeFileSync(values.out, text)
    else process.stdout.write(text)
    return
  }
  const workers = parseWorkers(values.workers)
  const inDev = process.env.FASTERAPI_DEV === '1'
  if (workers > 1 && cluster.isPrimary && !process.env.DATABASE_URL) process.env[OWNER_ENV] ??= String(process.pid)
  const server = await listen(app, {
    host: values.host ?? (inDev ? '127.0.0.1' : '0.0.0.0'),
    port: port ?? 8000,
    workers,
    handleSignals: true,
  })
  if (cluster.isPrimary) {
    const shown = server.url.replace('0.0.0.0', '127.0.0.1')
    const processes = server.workers > 1 ? ` (${server.workers} processes)` : ''
    const docs = app.settings.docsUrl === null ? '' : `, docs at ${shown}${app.settings.docsUrl ?? '/docs'}`
    console.log(`FasterAPI serving ${shown}${processes}${docs}`)
  }
}

function parsePort(text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const port = Number(text)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError('CLI_USAGE', `Bad --port: ${text}`)
  return port
}

function parseWorkers(text: string | undefined): number {
  if (text === undefined) return 1
  if (text === 'auto') return availableParallelism()
  const n = Number(text)
  if (!Number.isInteger(n) || n < 1) throw new CliError('CLI_USAGE', `Bad --workers: ${text} (a count or auto)`)
  return n
}

function listRoutes(app: Awaited<ReturnType<typeof loadApp>>): string {
  const rows = app.router.routes().map((route) => {
    const config = route.payload.definition.config
    const deps = [
      ...Object.entries(config.deps ?? {}).map(([key, dep]) => `${key}=${dep.name}`),
      ...(config.dependencies ?? []).map((dep) => dep.name),
    ]
    return [route.method, route.pattern, route.name ?? '', deps.join(', ')]
  })
  const table = [['METHOD', 'PATTERN', 'NAME', 'DEPENDENCIES'], ...rows]
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)))
  return table
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
}

// The watcher runs `fasterapi run` under `node --watch`: a change restarts the app process, this one stays, and
// owns the development database so that reloads join it instead of restarting it.
function watch(entry: string, host: string, port: number): Promise<void> {
  const cli = fileURLToPath(import.meta.url)
  const flags = process.execArgv.filter((flag) => !flag.startsWith('--watch'))
  const child = spawn(
    process.execPath,
    [
      ...flags,
      '--watch',
      '--disable-warning=ExperimentalWarning',
      cli,
      'run',
      entry,
      '--host',
      host,
      '--port',
      String(port),
    ],
    {
      stdio: 'inherit',
      env: { ...process.env, FASTERAPI_DEV: '1', [OWNER_ENV]: String(process.pid) },
    },
  )
  const stop = () => child.kill('SIGINT')
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  return new Promise((resolve) => {
    child.once('exit', () => {
      process.removeListener('SIGINT', stop)
      process.removeListener('SIGTERM', stop)
      resolve()
    })
  })
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof CliError || (error as { code?: string })?.code?.startsWith?.('ERR_PARSE_ARGS')) {
    console.error(`fasterapi: ${(error as Error).message}`)
    process.exitCode = 2
  } else if ((error as { code?: string })?.code === 'SETTINGS_INVALID') {
    console.error(`fasterapi: ${(error as Error).message}`)
    process.exitCode = 1
  } else {
    console.error('fasterapi: the app failed to start:\n', error)
    process.exitCode = 1
  }
})
