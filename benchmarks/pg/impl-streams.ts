// One adapter per driver for the streaming workloads: COPY in and out, a cursor, LISTEN/NOTIFY and a
// transaction with retry. Each does what a user of that driver would write; impl-streams.test.ts proves
// every adapter's answers (on small sizes) before index-streams.ts times anything.
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createPool } from '@fasterapi/pg'
import pg from 'pg'
import { from as copyFromStream, to as copyToStream } from 'pg-copy-streams'
import postgres from 'postgres'
import { ACCOUNTS } from './input.ts'

export interface StreamAdapter {
  readonly name: string
  /** COPY bench_copy_in FROM STDIN, the text chunks given (each a Readable of its own). */
  copyIn?(chunks: readonly string[]): Promise<void>
  /** COPY bench_copy_out TO STDOUT; returns the rows read (newlines counted). */
  copyOut?(): Promise<number>
  /** `rows` rows of generate_series through a cursor of 1000; `onBatch` after each batch (heap sampling). */
  cursor?(rows: number, onBatch: () => void): Promise<number>
  /** Listens on `channel`; returns the unlisten. */
  listen?(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>
  notify?(channel: string, payload: string): Promise<void>
  /** Ten updates in one transaction, each awaited; with retry on where the driver has it. */
  transactionRetry?(delta: number): Promise<number[]>
  end(): Promise<void>
}

const ids = Array.from({ length: ACCOUNTS }, (_, i) => i + 1)
type Tag = (strings: TemplateStringsArray, ...values: any[]) => PromiseLike<readonly Record<string, any>[]>

async function updateEach(tx: Tag, delta: number): Promise<number[]> {
  const out: number[] = []
  for (const id of ids) {
    const [row] = await tx`update bench_accounts set balance = balance + ${delta} where id = ${id} returning balance`
    out.push(Number(row!.balance))
  }
  return out
}

/** Newlines in a chunk: one per row in text format. */
export function countRows(chunk: Uint8Array): number {
  let n = 0
  for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) n++
  return n
}

export function fasterapiStreams(url: string): StreamAdapter {
  const sql = createPool({ url, max: 2, idleTimeout: 0 })
  return {
    name: '@fasterapi/pg',
    copyIn: async (chunks) => {
      await sql`copy bench_copy_in from stdin`.copyFrom(Readable.from(chunks))
    },
    copyOut: async () => {
      let rows = 0
      for await (const chunk of sql`copy bench_copy_out to stdout`.copyTo()) rows += countRows(chunk)
      return rows
    },
    cursor: async (rows, onBatch) => {
      let n = 0
      for await (const batch of sql`select g as id, 'row ' || g as label from generate_series(1, ${rows}::int) g`.cursor(
        1000,
      )) {
        n += batch.length
        onBatch()
      }
      return n
    },
    listen: async (channel, onNotify) => (await sql.listen(channel, onNotify)).unlisten,
    notify: (channel, payload) => sql.notify(channel, payload),
    transactionRetry: (delta) => sql.begin({ retry: true }, (tx) => updateEach(tx, delta)),
    end: () => sql.end(),
  }
}

export function postgresJsStreams(url: string): StreamAdapter {
  const sql = postgres(url, { max: 2, idle_timeout: 0, onnotice: () => undefined })
  return {
    name: 'postgres.js',
    copyIn: async (chunks) => {
      const writable = await sql`copy bench_copy_in from stdin`.writable()
      await pipeline(Readable.from(chunks), writable)
    },
    copyOut: async () => {
      let rows = 0
      const readable = await sql`copy bench_copy_out to stdout`.readable()
      for await (const chunk of readable) rows += countRows(chunk as Buffer)
      return rows
    },
    cursor: async (rows, onBatch) => {
      let n = 0
      for await (const batch of sql`select g as id, 'row ' || g as label from generate_series(1, ${rows}::int) g`.cursor(
        1000,
      )) {
        n += batch.length
        onBatch()
      }
      return n
    },
    listen: async (channel, onNotify) => {
      const { unlisten } = await sql.listen(channel, onNotify)
      return unlisten
    },
    notify: async (channel, payload) => {
      await sql.notify(channel, payload)
    },
    // postgres.js has no retry option: its plain begin is the peer
    transactionRetry: (delta) => sql.begin((tx) => updateEach(tx as unknown as Tag, delta)) as Promise<number[]>,
    end: () => sql.end(),
  }
}

export function pgCopyStreams(url: string): StreamAdapter {
  const pool = new pg.Pool({ connectionString: url, max: 2, idleTimeoutMillis: 0 })
  return {
    name: 'pg-copy-streams',
    copyIn: async (chunks) => {
      const client = await pool.connect()
      try {
        await pipeline(Readable.from(chunks), client.query(copyFromStream('copy bench_copy_in from stdin')))
      } finally {
        client.release()
      }
    },
    copyOut: async () => {
      const client = await pool.connect()
      try {
        let rows = 0
        for await (const chunk of client.query(copyToStream('copy bench_copy_out to stdout'))) {
          rows += countRows(chunk as Buffer)
        }
        return rows
      } finally {
        client.release()
      }
    },
    end: () => pool.end(),
  }
}

export const STREAM_ADAPTERS = [fasterapiStreams, postgresJsStreams, pgCopyStreams]

/** `rows` rows of `id\tlabel\n` text, in chunks of 1,000 rows: the COPY FROM STDIN source of every driver. */
export function copyChunks(rows: number): string[] {
  const chunks: string[] = []
  for (let start = 1; start <= rows; start += 1000) {
    let text = ''
    for (let n = start; n < start + 1000 && n <= rows; n++) text += `${n}\trow number ${n}\n`
    chunks.push(text)
  }
  return chunks
}

export const STREAM_SETUP_SQL = (rows: number) => [
  'drop table if exists bench_copy_in, bench_copy_out',
  'create unlogged table bench_copy_in (id int4, label text)',
  'create unlogged table bench_copy_out (id int4, label text)',
  `insert into bench_copy_out select n, 'row number ' || n from generate_series(1, ${rows}) n`,
]
