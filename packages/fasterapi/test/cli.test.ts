// The `fasterapi` command as a user runs it: a real process on a scratch app inside this package (so the app's
// `import … from 'fasterapi'` resolves to this package by self-reference), driven over real sockets.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url))
const children = new Set<ChildProcess>()
const folders: string[] = []
const killAll = () => {
  for (const child of children) child.kill('SIGKILL')
}
process.once('exit', killAll)
afterAll(() => {
  killAll()
  for (const dir of folders) rmSync(dir, { recursive: true, force: true })
})

const appSource = (greeting: string) => `import { App, Depends } from 'fasterapi'
const user = Depends(function currentUser() { return 'ada' })
const app = new App({ title: 'scratch' })
app.get('/hello', { name: 'hello', deps: { user } }, ({ deps }) => ({ greeting: '${greeting}', user: deps.user, pid: process.pid }))
export default app
`

function scratch(files: Record<string, string>): string {
  const dir = mkdtempSync(join(fileURLToPath(new URL('.', import.meta.url)), '.scratch-'))
  folders.push(dir)
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  return dir
}

interface Running {
  child: ChildProcess
  output: () => string
  /** Resolves with the URL of the next "FasterAPI serving …" line after `after` lines were seen. */
  serving(after?: number): Promise<string>
  exited: Promise<number | null>
}

function fasterapi(cwd: string, args: string[]): Running {
  const child = spawn(
    process.execPath,
    ['--conditions=@fasterapi/source', '--disable-warning=ExperimentalWarning', CLI, ...args],
    {
      cwd,
      env: { ...process.env, DATABASE_URL: '' },
    },
  )
  children.add(child)
  let out = ''
  const waiters: (() => void)[] = []
  const onData = (chunk: Buffer) => {
    out += chunk.toString()
    for (const w of waiters.splice(0)) w()
  }
  child.stdout!.on('data', onData)
  child.stderr!.on('data', onData)
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      children.delete(child)
      for (const w of waiters.splice(0)) w()
      resolve(code)
    }),
  )
  const serving = async (after = 0): Promise<string> => {
    for (;;) {
      const lines = [...out.matchAll(/FasterAPI serving (http:\/\/\S+?)[ ,\n]/g)]
      if (lines.length > after) return lines[after]![1]!
      if (child.exitCode !== null) throw new Error(`exited early:\n${out}`)
      await new Promise<void>((resolve) => waiters.push(resolve))
    }
  }
  return { child, output: () => out, serving, exited }
}

describe('fasterapi CLI', () => {
  it('dev: starts on loopback, reloads after an edit, stops cleanly on SIGINT', async () => {
    const dir = scratch({ 'main.ts': appSource('v1') })
    const dev = fasterapi(dir, ['dev', '--port', '0'])
    const first = await dev.serving()
    expect(new URL(first).hostname).toBe('127.0.0.1')
    expect(dev.output()).toContain('/docs')
    expect(await (await fetch(`${first}/hello`)).json()).toMatchObject({ greeting: 'v1', user: 'ada' })
    writeFileSync(join(dir, 'main.ts'), appSource('v2'))
    const second = await dev.serving(1)
    expect(await (await fetch(`${second}/hello`)).json()).toMatchObject({ greeting: 'v2' })
    dev.child.kill('SIGINT')
    expect(await dev.exited).toBe(0)
    await expect(fetch(`${second}/hello`)).rejects.toThrow()
  }, 60_000)

  it('run --workers 2: serves from two processes and closes on SIGTERM', async () => {
    const dir = scratch({ 'app.ts': appSource('prod') })
    const run = fasterapi(dir, ['run', '--host', '127.0.0.1', '--port', '0', '--workers', '2'])
    const url = await run.serving()
    expect(run.output()).toContain('(2 processes)')
    const pids = new Set<number>()
    for (let i = 0; i < 500 && pids.size < 2; i++) {
      const response = await fetch(`${url}/hello`, { headers: { connection: 'close' } })
      pids.add(((await response.json()) as { pid: number }).pid)
    }
    expect(pids.size).toBe(2)
    expect(pids.has(run.child.pid!)).toBe(false)
    run.child.kill('SIGTERM')
    expect(await run.exited).toBe(0)
  }, 60_000)

  it('routes and openapi describe the app; --help explains each command', async () => {
    const dir = scratch({ 'main.ts': appSource('x') })
    const routes = fasterapi(dir, ['routes'])
    expect(await routes.exited).toBe(0)
    expect(routes.output()).toMatch(/GET\s+\/hello\s+hello\s+user=currentUser/)
    const openapi = fasterapi(dir, ['openapi'])
    expect(await openapi.exited).toBe(0)
    expect(JSON.parse(openapi.output()).paths['/hello']).toBeDefined()
    for (const command of ['dev', 'run', 'routes', 'openapi']) {
      const help = fasterapi(dir, [command, '--help'])
      expect(await help.exited).toBe(0)
      expect(help.output()).toContain(`fasterapi ${command}`)
    }
  }, 60_000)

  it('explains a bad entry instead of crashing', async () => {
    const dir = scratch({ 'lib.ts': 'export const x = 1\n' })
    const missing = fasterapi(dir, ['run'])
    expect(await missing.exited).toBe(2)
    expect(missing.output()).toContain('No app found')
    const noApp = fasterapi(dir, ['routes', 'lib.ts'])
    expect(await noApp.exited).toBe(2)
    expect(noApp.output()).toContain('exports no App')
    const unknown = fasterapi(dir, ['serve'])
    expect(await unknown.exited).toBe(2)
    expect(unknown.output()).toContain('Unknown command: serve')
  }, 60_000)
})
