// Connection settings from, in order of precedence: explicit options, the connection string, the PG*
// environment variables libpq reads (https://www.postgresql.org/docs/current/libpq-envars.html), defaults.
import type { ConnectionOptions as TlsOptions } from 'node:tls'
import { OptionError, type PostgresError } from './errors.ts'
import type { TypeOptions } from './types/registry.ts'

export type SslMode = 'disable' | 'prefer' | 'require' | 'verify-ca' | 'verify-full'

export interface ConnectionOptions {
  /** `postgres://user:password@host:port/database?sslmode=require&application_name=api` */
  url?: string
  /** Host name, IP, or a directory holding the server's Unix socket. @default PGHOST or 'localhost' */
  host?: string
  /** @default PGPORT or 5432 */
  port?: number
  /** @default PGUSER, else the OS user */
  user?: string
  /** A string, or a function called at each connect (rotating credentials). @default PGPASSWORD */
  password?: string | (() => string | Promise<string>)
  /** @default PGDATABASE, else the user name */
  database?: string
  /** Reported in pg_stat_activity. @default PGAPPNAME or 'fasterapi' */
  applicationName?: string
  /** @default PGSSLMODE or 'disable' */
  sslmode?: SslMode
  /** Extra options for `tls.connect` (ca, cert, key, servername...). */
  tls?: TlsOptions
  /** Give up on connecting after this many ms. @default PGCONNECT_TIMEOUT (seconds) or 10_000 */
  connectTimeout?: number
  /** Run-time parameters sent at startup, e.g. `{ search_path: 'app' }`. */
  serverParameters?: Record<string, string>
  /** Size of the per-connection prepared-statement cache; 0 turns it off (PgBouncer transaction mode). @default 100 */
  maxPreparedStatements?: number
  /** Type parsing: int8/numeric modes and custom parsers by OID. */
  types?: TypeOptions
  /** Called before and after each query. */
  hooks?: QueryHooks
  /** Receives the server's notices (RAISE NOTICE, warnings), with the same fields as a PostgresError. */
  onNotice?: (notice: PostgresError) => void
}

export interface ResolvedConnectionOptions {
  host: string
  port: number
  user: string
  password: string | (() => string | Promise<string>) | undefined
  database: string
  applicationName: string
  sslmode: SslMode
  tls: TlsOptions
  connectTimeout: number
  serverParameters: Record<string, string>
  maxPreparedStatements: number
  onNotice: ((notice: PostgresError) => void) | undefined
}

const SSL_MODES = new Set<string>(['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'])

/** Merges options, the connection string and the environment into complete settings. */
export function resolveConnectionOptions(
  options: ConnectionOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): ResolvedConnectionOptions {
  const url = options.url === undefined ? {} : parseConnectionString(options.url)
  const user = options.user ?? url.user ?? env.PGUSER ?? env.USER ?? 'postgres'
  const sslmode = (options.sslmode ?? url.sslmode ?? env.PGSSLMODE ?? 'disable') as string
  if (!SSL_MODES.has(sslmode)) throw new OptionError(`unknown sslmode '${sslmode}'`)
  const port = Number(options.port ?? url.port ?? env.PGPORT ?? 5432)
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new OptionError(`invalid port '${port}'`)
  const envTimeout = env.PGCONNECT_TIMEOUT === undefined ? undefined : Number(env.PGCONNECT_TIMEOUT) * 1000
  return {
    host: options.host ?? url.host ?? env.PGHOST ?? 'localhost',
    port,
    user,
    password: options.password ?? url.password ?? env.PGPASSWORD,
    database: options.database ?? url.database ?? env.PGDATABASE ?? user,
    applicationName: options.applicationName ?? url.applicationName ?? env.PGAPPNAME ?? 'fasterapi',
    // libpq's 'allow' tries plain first; we treat it as 'prefer', which is at least as safe
    sslmode: (sslmode === 'allow' ? 'prefer' : sslmode) as SslMode,
    tls: options.tls ?? {},
    connectTimeout: options.connectTimeout ?? url.connectTimeout ?? envTimeout ?? 10_000,
    serverParameters: { ...url.serverParameters, ...options.serverParameters },
    maxPreparedStatements: options.maxPreparedStatements ?? 100,
    onNotice: options.onNotice,
  }
}

interface ParsedUrl {
  host?: string
  port?: string
  user?: string
  password?: string
  database?: string
  sslmode?: string
  applicationName?: string
  connectTimeout?: number
  serverParameters?: Record<string, string>
}

/** Parses `postgres://` / `postgresql://` URLs; `?host=/var/run/postgresql` selects a Unix socket. */
export function parseConnectionString(text: string): ParsedUrl {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new OptionError('invalid connection string (expected postgres://user:password@host:port/database)')
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new OptionError(`unsupported connection string protocol '${url.protocol}'`)
  }
  const out: ParsedUrl = {}
  if (url.hostname) out.host = decodeURIComponent(url.hostname.replace(/^\[(.*)\]$/, '$1'))
  if (url.port) out.port = url.port
  if (url.username) out.user = decodeURIComponent(url.username)
  if (url.password) out.password = decodeURIComponent(url.password)
  const database = decodeURIComponent(url.pathname.slice(1))
  if (database) out.database = database
  const serverParameters: Record<string, string> = {}
  for (const [key, value] of url.searchParams) {
    if (key === 'sslmode') out.sslmode = value
    else if (key === 'application_name') out.applicationName = value
    else if (key === 'connect_timeout') out.connectTimeout = Number(value) * 1000
    else if (key === 'host') out.host = value
    else if (key === 'port') out.port = value
    else if (key === 'user') out.user = value
    else if (key === 'password') out.password = value
    else if (key === 'dbname') out.database = value
    else if (key === 'options') serverParameters.options = value
    else serverParameters[key] = value
  }
  out.serverParameters = serverParameters
  return out
}

/** Reads the password, calling it when it is a function. */
export async function readPassword(options: ResolvedConnectionOptions): Promise<string | undefined> {
  const { password } = options
  return typeof password === 'function' ? await password() : password
}

// Observability: hooks called around every query, for tracing and logs.

export interface QueryStartEvent {
  text: string
  params: readonly unknown[]
}

export interface QueryEndEvent extends QueryStartEvent {
  /** Wall time from dispatch (queueing included) to the last message, in ms. */
  durationMs: number
  /** Rows returned or affected; 0 on error. */
  rowCount: number
  command: string
  /** Set when the query failed. */
  error: Error | undefined
}

/**
 * @example
 * createPool({ hooks: { afterQuery: (e) => log.info({ sql: e.text, ms: e.durationMs, rows: e.rowCount }) } })
 */
export interface QueryHooks {
  beforeQuery?: (event: QueryStartEvent) => void
  afterQuery?: (event: QueryEndEvent) => void
}
