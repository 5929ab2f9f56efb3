import { Readable, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createPool, ParameterError, PgDriverError } from '../src/index.ts'

const sql = createPool({ url: inject('databaseUrl'), max: 2 })
// the local cluster, for the test that freezes its own backend
const local = createPool({ url: inject('clusterUrl'), max: 2 })
afterAll(() => Promise.all([sql.end(), local.end()]))

beforeAll(async () => {
  await sql`create table if not exists copy_items (id int primary key, name text, score float8, tags text[])`
})
afterAll(() => sql`drop table if exists copy_items, copy_binary`)
const reset = () => sql`truncate copy_items`

async function collect(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const out: Buffer[] = []
  for await (const chunk of chunks) out.push(Buffer.from(chunk))
  return Buffer.concat(out)
}

describe('COPY FROM STDIN', () => {
  it('reads text format from a Node Readable: escapes, NULL, unicode, arrays; count is the rows copied', async () => {
    await reset()
    const text = '1\ttab\\there\t1.5\t{a,b}\n2\t\\N\t\\N\t\\N\n3\tnaïve ✓\t-2\t{}\n'
    // pieces cut mid-row and mid-character: the server reassembles them
    const bytes = Buffer.from(text)
    const pieces = [bytes.subarray(0, 7), bytes.subarray(7, 30), bytes.subarray(30, 33), bytes.subarray(33)]
    const result = await sql`copy copy_items from stdin`.copyFrom(Readable.from(pieces))
    expect([result.command, result.count]).toEqual(['COPY', 3])
    expect([...(await sql`select * from copy_items order by id`)]).toEqual([
      { id: 1, name: 'tab\there', score: 1.5, tags: ['a', 'b'] },
      { id: 2, name: null, score: null, tags: null },
      { id: 3, name: 'naïve ✓', score: -2, tags: [] },
    ])
  })

  it('reads CSV from an async generator of strings: quotes, commas and newlines inside fields', async () => {
    await reset()
    async function* rows() {
      yield 'id,name\n'
      yield '1,"a, b"\n2,"say ""hi"""\n'
      yield '3,"two\nlines"\n'
    }
    const result = await sql`copy copy_items (id, name) from stdin with (format csv, header true)`.copyFrom(rows())
    expect(result.count).toBe(3)
    expect((await sql`select name from copy_items order by id`).map((r) => r.name)).toEqual([
      'a, b',
      'say "hi"',
      'two\nlines',
    ])
  })

  it('round-trips binary format: COPY TO STDOUT (binary) fed back into COPY FROM STDIN (binary)', async () => {
    await reset()
    await sql`insert into copy_items select g, 'n' || g, g / 3.0, array['x', g::text] from generate_series(1, 5000) g`
    await sql`create table if not exists copy_binary (like copy_items)`
    await sql`truncate copy_binary`
    const binary = await collect(sql`copy copy_items to stdout with (format binary)`.copyTo())
    expect(binary.subarray(0, 11).toString('latin1')).toBe('PGCOPY\n\xff\r\n\0')
    const result = await sql`copy copy_binary from stdin with (format binary)`.copyFrom([binary])
    expect(result.count).toBe(5000)
    const [diff] =
      await sql`select count(*)::int as n from (select * from copy_items except select * from copy_binary) d`
    expect(diff!.n).toBe(0)
  })

  it('rolls back on a bad row, stops reading the source, and the connection carries on', async () => {
    await reset()
    const one = createPool({ url: inject('databaseUrl'), max: 1 })
    let pulled = 0
    let closed = false
    async function* rows() {
      try {
        for (let i = 1; i <= 20_000_000; i++) {
          pulled++
          yield i === 500 ? 'not a number\tbad\n' : `${i}\tok\n`
        }
      } finally {
        closed = true
      }
    }
    try {
      const error = await one`copy copy_items (id, name) from stdin`.copyFrom(rows()).catch((e: unknown) => e)
      expect(error).toMatchObject({ code: '22P02' })
      expect(closed).toBe(true)
      expect(pulled).toBeLessThan(20_000_000)
      expect((await one`select count(*)::int as n from copy_items`)[0]).toEqual({ n: 0 })
      expect(one.stats()).toMatchObject({ total: 1, reserved: 0 })
    } finally {
      await one.end()
    }
  })

  it('sends CopyFail when the source throws: nothing is copied and the caller gets the source error', async () => {
    await reset()
    const one = createPool({ url: inject('databaseUrl'), max: 1 })
    const failure = new Error('the upstream file vanished')
    async function* rows() {
      yield '1\tfirst\n'
      yield '2\tsecond\n'
      throw failure
    }
    try {
      await expect(one`copy copy_items (id, name) from stdin`.copyFrom(rows())).rejects.toBe(failure)
      expect((await one`select count(*)::int as n from copy_items`)[0]).toEqual({ n: 0 })
      // a Readable that errors takes the same path
      let reads = 0
      const broken = new Readable({
        read() {
          if (reads++ === 0) this.push('3\tthird\n')
          else this.destroy(new Error('stream broke'))
        },
      })
      await expect(one`copy copy_items (id, name) from stdin`.copyFrom(broken)).rejects.toThrow('stream broke')
      expect([...(await one`select 'usable' as state`)]).toEqual([{ state: 'usable' }])
    } finally {
      await one.end()
    }
  })

  it('runs inside a transaction, and a rollback undoes it', async () => {
    await reset()
    await sql
      .begin(async (tx) => {
        const copied = await tx`copy copy_items (id, name) from stdin`.copyFrom(['1\ta\n', '2\tb\n'])
        expect(copied.count).toBe(2)
        expect((await tx`select count(*)::int as n from copy_items`)[0]).toEqual({ n: 2 })
        throw new Error('undo')
      })
      .catch(() => undefined)
    expect((await sql`select count(*)::int as n from copy_items`)[0]).toEqual({ n: 0 })
  })

  it('stops pulling the source while the server does not read (backpressure)', async () => {
    const reserved = await local.reserve()
    await local`create table if not exists copy_sink (line text)`
    const [{ pid }] = (await reserved`select pg_backend_pid() as pid`) as unknown as [{ pid: number }]
    let pulled = 0
    let stop = false
    let frozen = false
    let reached: (() => void) | undefined
    const LIMIT = 256 * 1024 * 1024
    async function* data() {
      while (!stop) {
        const chunk = Buffer.alloc(64 * 1024, 0x61) // fresh memory each time: nothing is shared
        chunk[chunk.length - 1] = 0x0a
        pulled += chunk.length
        if (!frozen) {
          // the backend is in copy mode now: freeze it, so it reads nothing more
          process.kill(pid, 'SIGSTOP')
          frozen = true
        }
        if (pulled >= LIMIT) reached?.()
        yield chunk
      }
    }
    try {
      const copying = reserved`copy copy_sink from stdin`.copyFrom(data())
      // without backpressure a tight generator reaches the limit at once; with it, it waits for 'drain'
      await Promise.race([new Promise<void>((resolve) => (reached = resolve)), new Promise((r) => setTimeout(r, 2000))])
      expect(pulled).toBeLessThan(64 * 1024 * 1024)
      stop = true
      process.kill(pid, 'SIGCONT')
      frozen = false
      const result = await copying
      expect(result.count).toBe(pulled / (64 * 1024))
    } finally {
      if (frozen) process.kill(pid, 'SIGCONT')
      reserved.release()
      await local`drop table if exists copy_sink`
    }
  })
})

describe('COPY TO STDOUT', () => {
  it('yields text and CSV in the statement format', async () => {
    await reset()
    await sql`insert into copy_items values (1, 'a\tb', 0.5, '{x}'), (2, null, null, null), (3, 'say "hi", ok', 1, '{}')`
    const text = await collect(sql`copy copy_items to stdout`.copyTo())
    expect(text.toString()).toBe('1\ta\\tb\t0.5\t{x}\n2\t\\N\t\\N\t\\N\n3\tsay "hi", ok\t1\t{}\n')
    const csv = await collect(
      sql`copy (select id, name from copy_items order by id) to stdout with (format csv)`.copyTo(),
    )
    expect(csv.toString()).toBe('1,a\tb\n2,\n3,"say ""hi"", ok"\n')
  })

  it('is a Node Readable with copyToStream(), for pipeline()', async () => {
    const out: Buffer[] = []
    const sink = new Writable({
      write(chunk, _encoding, done) {
        out.push(chunk)
        done()
      },
    })
    await pipeline(sql`copy (select g from generate_series(1, 10000) g) to stdout`.copyToStream(), sink)
    const lines = Buffer.concat(out).toString().split('\n')
    expect(lines.length).toBe(10001)
    expect(lines[9999]).toBe('10000')
  })

  it('stops reading the socket while the consumer is behind: the server waits to write', async () => {
    const one = createPool({ url: inject('databaseUrl'), max: 1, applicationName: `copy-slow-${process.pid}` })
    try {
      const [{ pid }] = (await one`select pg_backend_pid() as pid`) as unknown as [{ pid: number }]
      const chunks = one`copy (select g, repeat('x', 100) from generate_series(1, 2000000) g) to stdout`.copyTo()
      const first = await chunks.next()
      expect(first.done).toBe(false)
      // the loop holds on to its first chunk: the client stops reading and the backend blocks on the socket
      for (;;) {
        const [row] = await sql`select wait_event from pg_stat_activity where pid = ${pid}`
        if (row!.wait_event === 'ClientWrite') break
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      let lines = first.value!.toString().split('\n').length - 1
      for await (const chunk of chunks) lines += chunk.toString().split('\n').length - 1
      expect(lines).toBe(2_000_000)
    } finally {
      await one.end()
    }
  })

  it('cancels the COPY when the loop leaves early, and the connection is free again', async () => {
    const one = createPool({ url: inject('databaseUrl'), max: 1 })
    try {
      let seen = 0
      for await (const chunk of one`copy (select g from generate_series(1, 5000000) g) to stdout`.copyTo()) {
        seen += chunk.length
        if (seen > 100_000) break
      }
      expect(one.stats()).toMatchObject({ total: 1, reserved: 0 })
      expect([...(await one`select 'free' as state`)]).toEqual([{ state: 'free' }])
    } finally {
      await one.end()
    }
  })

  it('throws an error raised in the middle of the data from the loop', async () => {
    const error = await collect(sql`copy (select 1 / (3 - g) from generate_series(1, 5) g) to stdout`.copyTo()).catch(
      (e: unknown) => e,
    )
    expect(error).toMatchObject({ code: '22012' })
    expect([...(await sql`select 1 as ok`)]).toEqual([{ ok: 1 }])
  })
})

describe('COPY misuse', () => {
  it('fails a COPY awaited without copyFrom/copyTo with PG_COPY_MISUSE, and the connection carries on', async () => {
    const one = createPool({ url: inject('databaseUrl'), max: 1 })
    try {
      await expect(one`copy copy_items from stdin`).rejects.toMatchObject({ code: 'PG_COPY_MISUSE' })
      // pipelined behind it, another query cannot be answered in order any more: the session is closed, loudly
      const [lone, behind] = await Promise.allSettled([
        one`copy copy_items from stdin`.execute(),
        one`select 1`.execute(),
      ])
      expect(lone).toMatchObject({ status: 'rejected', reason: { code: 'PG_COPY_MISUSE' } })
      expect(behind).toMatchObject({ status: 'rejected', reason: { code: 'PG_CONNECTION_CLOSED' } })
      await expect(one`copy copy_items to stdout`).rejects.toMatchObject({ code: 'PG_COPY_MISUSE' })
      await expect(one`select 1`.copyFrom(['x'])).rejects.toBeInstanceOf(PgDriverError)
      await expect(collect(one`select 1`.copyTo())).rejects.toMatchObject({ code: 'PG_COPY_MISUSE' })
      await expect(one`copy copy_items from stdin`.copyFrom(42 as never)).rejects.toBeInstanceOf(ParameterError)
      await expect(one`copy ${'x'} from stdin`.copyFrom([])).rejects.toBeInstanceOf(ParameterError)
      await expect(one`copy copy_items from stdin`.copyFrom([{}] as never)).rejects.toMatchObject({
        code: 'PG_COPY_MISUSE',
      })
      expect([...(await one`select 'usable' as state`)]).toEqual([{ state: 'usable' }])
    } finally {
      await one.end()
    }
  })
})
