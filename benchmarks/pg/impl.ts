// One adapter per driver behind one interface (hono's RouterInterface pattern). Each does what a user
// of that driver would write; impl.test.ts proves every adapter's answers before anything is timed.
import { createPool } from '@fasterapi/pg'
import pg from 'pg'
import postgres from 'postgres'
import { ACCOUNTS } from './input.ts'

export interface Adapter {
  readonly name: string
  /** `select $1::int` → n */
  selectInt(n: number): Promise<number>
  /** All 10,000 rows of bench_rows as objects. */
  allRows(): Promise<Record<string, any>[]>
  /** Ten `update ... returning` in one transaction, each awaited before the next; returns the balances. */
  transactionSequential(delta: number): Promise<number[]>
  /** The same ten statements issued together (pipelined where the driver can). */
  transactionPipelined(delta: number): Promise<number[]>
  end(): Promise<void>
}

const ids = Array.from({ length: ACCOUNTS }, (_, i) => i + 1)

/** A tagged template of either driver (both take the same template syntax). */
type Tag = (strings: TemplateStringsArray, ...values: any[]) => PromiseLike<readonly Record<string, any>[]>

/** The ten updates, each awaited before the next is sent. */
async function updateEach(tx: Tag, delta: number): Promise<number[]> {
  const out: number[] = []
  for (const id of ids) {
    const [row] = await tx`update bench_accounts set balance = balance + ${delta} where id = ${id} returning balance`
    out.push(Number(row!.balance))
  }
  return out
}

export function fasterapi(url: string, max: number): Adapter {
  const sql = createPool({ url, max, idleTimeout: 0 })
  return {
    name: '@fasterapi/pg',
    selectInt: async (n) => (await sql`select ${n}::int as n`)[0]!.n as number,
    allRows: () => sql`select * from bench_rows`.execute(),
    transactionSequential: (delta) => sql.begin((tx) => updateEach(tx, delta)),
    transactionPipelined: (delta) =>
      sql.begin(async (tx) => {
        const results = await Promise.all(
          ids.map(
            (id) => tx`update bench_accounts set balance = balance + ${delta} where id = ${id} returning balance`,
          ),
        )
        return results.map((r) => Number(r[0]!.balance))
      }),
    end: () => sql.end(),
  }
}

export function postgresJs(url: string, max: number): Adapter {
  const sql = postgres(url, { max, idle_timeout: 0, onnotice: () => undefined })
  return {
    name: 'postgres.js',
    selectInt: async (n) => (await sql`select ${n}::int as n`)[0]!.n as number,
    allRows: () => sql`select * from bench_rows` as unknown as Promise<Record<string, any>[]>,
    transactionSequential: (delta) => sql.begin((tx) => updateEach(tx as unknown as Tag, delta)) as Promise<number[]>,
    transactionPipelined: async (delta) => {
      // postgres.js pipelines the queries of an array returned from begin()
      const results = (await sql.begin((tx) =>
        ids.map((id) => tx`update bench_accounts set balance = balance + ${delta} where id = ${id} returning balance`),
      )) as unknown as { balance: string }[][]
      return results.map((r) => Number(r[0]!.balance))
    },
    end: () => sql.end(),
  }
}

export function nodePostgres(url: string, max: number): Adapter {
  const pool = new pg.Pool({ connectionString: url, max, idleTimeoutMillis: 0 })
  const update = 'update bench_accounts set balance = balance + $1 where id = $2 returning balance'
  const inTransaction = async <T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
    const client = await pool.connect()
    try {
      await client.query('begin')
      const result = await fn(client)
      await client.query('commit')
      return result
    } catch (error) {
      await client.query('rollback')
      throw error
    } finally {
      client.release()
    }
  }
  return {
    name: 'pg',
    selectInt: async (n) => (await pool.query('select $1::int as n', [n])).rows[0].n,
    allRows: async () => (await pool.query('select * from bench_rows')).rows,
    transactionSequential: (delta) =>
      inTransaction(async (client) => {
        const out: number[] = []
        for (const id of ids) out.push(Number((await client.query(update, [delta, id])).rows[0].balance))
        return out
      }),
    // pg has no pipelining: a client sends each query after the previous answer (and pg 9 drops even that
    // queue), so issuing the ten together is the sequential loop
    transactionPipelined: (delta) =>
      inTransaction(async (client) => {
        const out: number[] = []
        for (const id of ids) out.push(Number((await client.query(update, [delta, id])).rows[0].balance))
        return out
      }),
    end: () => pool.end(),
  }
}

export const ADAPTERS = [fasterapi, postgresJs, nodePostgres]
