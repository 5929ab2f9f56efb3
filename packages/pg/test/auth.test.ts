import { createServer } from 'node:net'
import { describe, expect, inject, it } from 'vitest'
import { ConnectionError, createPool, PostgresError } from '../src/index.ts'

async function whoAmI(url: string, extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const sql = createPool({ url, max: 1, ...extra })
  try {
    const [row] =
      await sql`select current_user as user, coalesce((select ssl from pg_stat_ssl where pid = pg_backend_pid()), false) as ssl`
    return row!
  } finally {
    await sql.end()
  }
}

function withPassword(url: string, password: string): string {
  const parsed = new URL(url)
  parsed.password = encodeURIComponent(password)
  return parsed.toString()
}

describe('authentication', () => {
  it('authenticates with SCRAM-SHA-256, including a non-ASCII password', async () => {
    expect(await whoAmI(inject('scramUrl'))).toMatchObject({ user: 'scram_user' })
  })

  it('authenticates with md5', async () => {
    expect(await whoAmI(inject('md5Url'))).toMatchObject({ user: 'md5_user' })
  })

  it('authenticates with a cleartext password', async () => {
    expect(await whoAmI(inject('cleartextUrl'))).toMatchObject({ user: 'cleartext_user' })
  })

  it('takes the password from a function called at connect time', async () => {
    const url = new URL(inject('scramUrl'))
    const password = decodeURIComponent(url.password)
    url.password = ''
    expect(await whoAmI(url.toString(), { password: async () => password })).toMatchObject({ user: 'scram_user' })
  })

  it.each([
    ['SCRAM', 'scramUrl'],
    ['md5', 'md5Url'],
    ['cleartext', 'cleartextUrl'],
  ] as const)('rejects a wrong %s password with 28P01 naming the user', async (_, key) => {
    const error = await whoAmI(withPassword(inject(key), 'wrong')).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PostgresError)
    expect((error as PostgresError).code).toBe('28P01')
    expect((error as PostgresError).message).toMatch(/password authentication failed for user/)
  })

  it('fails with PG_AUTH_FAILED when the server wants a password and none was given', async () => {
    const url = new URL(inject('scramUrl'))
    url.password = ''
    const error = await whoAmI(url.toString(), { password: undefined }).catch((e: unknown) => e)
    expect((error as ConnectionError).code).toBe('PG_AUTH_FAILED')
  })

  it('fails with PG_CONNECTION_FAILED when nothing listens on the port', async () => {
    const url = new URL(inject('clusterUrl'))
    url.port = '1'
    const error = await whoAmI(url.toString()).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConnectionError)
    expect((error as ConnectionError).code).toBe('PG_CONNECTION_FAILED')
    expect((error as ConnectionError).message).toContain('127.0.0.1:1')
  })

  it('connects through the Unix socket when host is a directory', async () => {
    const tcp = new URL(inject('clusterUrl'))
    const options = { host: inject('socketDir'), port: Number(tcp.port), password: decodeURIComponent(tcp.password) }
    const sql = createPool({ ...options, user: 'postgres', database: 'postgres', max: 1 })
    try {
      const [row] = await sql`select inet_server_addr() is null as local`
      expect(row).toEqual({ local: true })
    } finally {
      await sql.end()
    }
  })

  it('gives up with PG_CONNECTION_FAILED when the server accepts but never answers the startup', async () => {
    const silent = createServer(() => undefined)
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    const { port } = silent.address() as { port: number }
    try {
      const url = `postgres://u:p@127.0.0.1:${port}/db`
      const error = await whoAmI(url, { connectTimeout: 200 }).catch((e: unknown) => e)
      expect(error).toMatchObject({ code: 'PG_CONNECTION_FAILED' })
      expect((error as Error).message).toMatch(/complete startup/)
    } finally {
      silent.close()
    }
  })

  it('reports an unknown database as 3D000', async () => {
    const url = new URL(inject('clusterUrl'))
    url.pathname = '/no_such_db'
    const error = await whoAmI(url.toString()).catch((e: unknown) => e)
    expect((error as PostgresError).code).toBe('3D000')
  })
})

describe('TLS', () => {
  it('encrypts the session with sslmode=require against a self-signed certificate', async () => {
    expect(await whoAmI(`${inject('clusterUrl')}?sslmode=require`)).toMatchObject({ ssl: true })
  })

  it('uses TLS with sslmode=prefer when the server offers it', async () => {
    expect(await whoAmI(`${inject('clusterUrl')}?sslmode=prefer`)).toMatchObject({ ssl: true })
  })

  it('stays in plain text with sslmode=disable', async () => {
    expect(await whoAmI(`${inject('clusterUrl')}?sslmode=disable`)).toMatchObject({ ssl: false })
  })

  it('verifies the certificate and host name with sslmode=verify-full when the CA is given', async () => {
    const url = `${inject('clusterUrl')}?sslmode=verify-full`
    expect(await whoAmI(url, { tls: { ca: inject('certificate') } })).toMatchObject({ ssl: true })
  })

  it('refuses a self-signed certificate with sslmode=verify-full', async () => {
    const error = await whoAmI(`${inject('clusterUrl')}?sslmode=verify-full`).catch((e: unknown) => e)
    expect((error as ConnectionError).code).toBe('PG_CONNECTION_FAILED')
    expect((error as ConnectionError).message).toMatch(/TLS handshake failed/)
  })
})
