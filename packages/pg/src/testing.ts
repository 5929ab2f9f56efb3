// A throwaway PostgreSQL cluster for tests, benchmarks and zero-setup demos: initdb into a temp folder,
// a free loopback port, SCRAM-SHA-256 auth (plus md5 and cleartext users when asked), optional TLS with a
// self-signed certificate. initdb and postgres refuse to run as root, so as root they run as `postgres`.
import { execFile as execFileCallback, execFileSync, spawn } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { appendFile, chmod, chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

const execFile = promisify(execFileCallback)

export interface ClusterUser {
  name: string
  password: string
  /** The pg_hba.conf method for this user. @default 'scram-sha-256' */
  method?: 'scram-sha-256' | 'md5' | 'password'
}

export interface ClusterOptions {
  /** Extra login roles, each with its own auth method. */
  users?: ClusterUser[]
  /** Enable TLS with a self-signed certificate made by openssl. @default false */
  ssl?: boolean
  /** Extra postgresql.conf settings. */
  settings?: Record<string, string | number>
}

export interface Cluster {
  host: string
  port: number
  /** Superuser `postgres` over TCP with SCRAM-SHA-256. */
  url: string
  user: string
  password: string
  binDir: string
  dataDir: string
  /** The self-signed certificate (PEM) when `ssl` is on: trust it as `tls.ca` for sslmode=verify-full. */
  certificate: string | undefined
  /** Directory of the server's Unix socket (pass it as `host` to connect through the socket). */
  socketDir: string
  /** Connection string for another user of this cluster. */
  urlFor(user: string, password: string): string
  /** Fast restart: sessions are terminated, the server comes back on the same port. */
  restart(): Promise<void>
  /** Stops the server and deletes its folder. */
  stop(): Promise<void>
}

// The watchdog: a detached Node process (its own session, so a Ctrl-C to the test's process group does not reach
// it) that reads a pipe from the process that started the cluster. The pipe closes when that process ends for any
// reason (normal exit, failed run, signal, process.exit, crash, SIGKILL); the watchdog then stops the server with
// SIGQUIT (PostgreSQL's immediate shutdown), SIGKILL after 10 s, and removes the cluster's folder. stop() ends it.
const WATCHDOG = `
const { readFileSync, rmSync } = require('node:fs')
const [dataDir, dir] = process.argv.slice(1)
const alive = (pid) => { try { process.kill(pid, 0); return true } catch { return false } }
function cleanup() {
  let pid = 0
  try { pid = Number(readFileSync(dataDir + '/postmaster.pid', 'utf8').split('\\n')[0]) } catch {}
  if (pid > 0 && alive(pid)) {
    try { process.kill(pid, 'SIGQUIT') } catch {}
    const deadline = Date.now() + 10000
    const wait = () => {
      if (!alive(pid)) return done()
      if (Date.now() > deadline) { try { process.kill(pid, 'SIGKILL') } catch {} return setTimeout(done, 200) }
      setTimeout(wait, 50)
    }
    return wait()
  }
  done()
}
function done() { try { rmSync(dir, { recursive: true, force: true }) } catch {} process.exit(0) }
process.stdin.on('error', cleanup)
process.stdin.on('end', cleanup)
process.stdin.resume()
process.on('SIGTERM', () => process.exit(0))
`

function startWatchdog(dataDir: string, dir: string): () => void {
  const child = spawn(process.execPath, ['-e', WATCHDOG, dataDir, dir], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
    env: { ...process.env, NODE_OPTIONS: '' },
  })
  // neither the child nor its pipe keeps this process alive
  child.unref()
  const pipe = child.stdin as unknown as { unref?: () => void } | null
  pipe?.unref?.()
  child.on('error', () => {})
  return () => {
    child.kill('SIGTERM')
  }
}

/** Finds the server binaries: PG_BINDIR, `pg_config --bindir`, /usr/lib/postgresql/<newest>/bin, else apt. */
export function findPostgresBinaries(): string {
  const candidates: string[] = []
  if (process.env.PG_BINDIR) candidates.push(process.env.PG_BINDIR)
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: 'pipe' }).trim())
  } catch {}
  const root = '/usr/lib/postgresql'
  if (existsSync(root)) {
    const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a))
    for (const version of versions) candidates.push(join(root, version, 'bin'))
  }
  const found = candidates.find((dir) => existsSync(join(dir, 'initdb')))
  if (found !== undefined) return found
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
    execFileSync('apt-get', ['update'], { stdio: 'pipe', env })
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'postgresql'], { stdio: 'pipe', env })
    return findPostgresBinaries()
  }
  throw new Error('PostgreSQL server binaries not found: install the postgresql package or set PG_BINDIR')
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** Starts a private cluster; call `stop()` when done. */
export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const binDir = findPostgresBinaries()
  const asRoot = process.getuid?.() === 0
  const run = (tool: string, args: string[]) =>
    asRoot
      ? execFile(runuser(), ['-u', 'postgres', '--', join(binDir, tool), ...args], { cwd: '/' })
      : execFile(join(binDir, tool), args)
  const dir = await mkdtemp(join(tmpdir(), 'fasterapi-pg-'))
  const dataDir = join(dir, 'data')
  const stopWatchdog = startWatchdog(dataDir, dir)
  const owner = asRoot ? postgresOwner() : undefined
  if (owner) await chown(dir, owner.uid, owner.gid)
  const password = 'postgres-test'
  const pwfile = join(dir, 'pwfile')
  await writeFile(pwfile, `${password}\n`)
  if (owner) await chown(pwfile, owner.uid, owner.gid)
  await run('initdb', [
    '-D',
    dataDir,
    '-U',
    'postgres',
    '-A',
    'scram-sha-256',
    '--pwfile',
    pwfile,
    '-E',
    'UTF8',
    '--no-sync',
  ])
  const port = await freePort()
  const settings: Record<string, string | number> = {
    listen_addresses: "'127.0.0.1'",
    port,
    unix_socket_directories: `'${dir}'`,
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    max_connections: 200,
    ...options.settings,
  }
  if (options.ssl) {
    await execFile('openssl', [
      ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=localhost'],
      ...['-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
      ...['-keyout', join(dataDir, 'server.key'), '-out', join(dataDir, 'server.crt')],
    ])
    await chmod(join(dataDir, 'server.key'), 0o600)
    if (owner) {
      await chown(join(dataDir, 'server.key'), owner.uid, owner.gid)
      await chown(join(dataDir, 'server.crt'), owner.uid, owner.gid)
    }
    settings.ssl = 'on'
  }
  await appendFile(
    join(dataDir, 'postgresql.conf'),
    Object.entries(settings)
      .map(([k, v]) => `${k} = ${v}\n`)
      .join(''),
  )
  const users = options.users ?? []
  const hba = [
    ...users.map((u) => `host all ${u.name} 127.0.0.1/32 ${u.method ?? 'scram-sha-256'}`),
    'host all all 127.0.0.1/32 scram-sha-256',
    'local all all scram-sha-256',
  ]
  await writeFile(join(dataDir, 'pg_hba.conf'), `${hba.join('\n')}\n`)
  const log = join(dir, 'server.log')
  const start = () => run('pg_ctl', ['-D', dataDir, '-l', log, '-w', '-t', '60', 'start'])
  await start()
  const host = '127.0.0.1'
  const urlFor = (user: string, pass: string) =>
    `postgres://${encodeURIComponent(user)}:${encodeURIComponent(pass)}@${host}:${port}/postgres`
  const psql = (sql: string) =>
    execFile(
      join(binDir, 'psql'),
      ['-h', host, '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-qAt', '-c', sql],
      {
        env: { ...process.env, PGPASSWORD: password },
      },
    )
  for (const user of users) {
    const encryption = user.method === 'md5' ? 'md5' : 'scram-sha-256'
    const quoted = user.password.replace(/'/g, "''")
    await psql(`set password_encryption = '${encryption}'; create role "${user.name}" login password '${quoted}'`)
  }
  let stopped = false
  return {
    host,
    port,
    url: urlFor('postgres', password),
    user: 'postgres',
    password,
    binDir,
    dataDir,
    socketDir: dir,
    certificate: options.ssl ? await readFile(join(dataDir, 'server.crt'), 'utf8') : undefined,
    urlFor,
    async restart() {
      await run('pg_ctl', ['-D', dataDir, '-l', log, '-m', 'fast', '-w', '-t', '60', 'restart'])
    },
    async stop() {
      if (stopped) return
      stopped = true
      await run('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']).catch(() => undefined)
      await rm(dir, { recursive: true, force: true })
      stopWatchdog()
    },
  }
}

// runuser lives in /usr/sbin, which a non-login PATH (cron, CI runners, `env -i`) may leave out
function runuser(): string {
  return ['/usr/sbin/runuser', '/sbin/runuser', '/usr/bin/runuser'].find((path) => existsSync(path)) ?? 'runuser'
}

function postgresOwner(): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim())
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim())
  return { uid, gid }
}
