import { afterAll, describe, expect, inject, it } from 'vitest'
import { createPool, type Sql, type TypeOptions } from '../src/index.ts'

const url = inject('databaseUrl')
const sql = createPool({ url, max: 1 })
// statements off: every query goes out unnamed with text results, so the text decoders are covered too
const unprepared = createPool({ url, max: 1, maxPreparedStatements: 0 })
afterAll(() => Promise.all([sql.end(), unprepared.end()]))

/** A one-connection pool with its own type options, ended after `fn`. */
async function withTypes(types: TypeOptions, fn: (pool: Sql) => Promise<void>): Promise<void> {
  const pool = createPool({ url, max: 1, types })
  try {
    await fn(pool)
  } finally {
    await pool.end()
  }
}

/** Runs the query three times: text results (first use), binary where preferred (reuse), unprepared. */
async function roundTrip(text: string, params: unknown[] = []): Promise<unknown[]> {
  const first = await sql.unsafe(text, params).values()
  const second = await sql.unsafe(text, params).values()
  const third = await unprepared.unsafe(text, params).values()
  expect(second[0]).toEqual(first[0])
  expect(third[0]).toEqual(first[0])
  return first[0]!
}

describe('type round trips', () => {
  it('round-trips booleans, integers and NULL', async () => {
    expect(
      await roundTrip('select $1::bool, $2::bool, $3::int2, $4::int4, $5::int4, $6::int4', [
        true,
        false,
        -32768,
        2147483647,
        -2147483648,
        null,
      ]),
    ).toEqual([true, false, -32768, 2147483647, -2147483648, null])
  })

  it('returns int8 and numeric as lossless strings by default', async () => {
    expect(
      await roundTrip('select $1::int8, $2::int8, $3::numeric, $4::numeric', [
        '9223372036854775807',
        -9223372036854775808n,
        '123456789012345678901234567890.000000000000000000001',
        'NaN',
      ]),
    ).toEqual([
      '9223372036854775807',
      '-9223372036854775808',
      '123456789012345678901234567890.000000000000000000001',
      'NaN',
    ])
  })

  it('returns int8 as bigint when asked', async () => {
    await withTypes({ int8: 'bigint' }, async (big) => {
      for (let i = 0; i < 2; i++) {
        const [row] =
          await big`select ${'9223372036854775807'}::int8 as max, ${'-9223372036854775808'}::int8 as min`.values()
        expect(row).toEqual([9223372036854775807n, -9223372036854775808n])
      }
    })
  })

  it('round-trips float edge values: NaN, ±Infinity and extremes', async () => {
    const row = await roundTrip('select $1::float8, $2::float8, $3::float8, $4::float8, $5::float8, $6::float4', [
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.MAX_VALUE,
      Number.MIN_VALUE,
      1.5,
    ])
    expect(row).toEqual([
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.MAX_VALUE,
      Number.MIN_VALUE,
      1.5,
    ])
  })

  it('round-trips 1-byte, 1 MB and unicode text', async () => {
    const mega = 'x'.repeat(1024 * 1024)
    const unicode = 'zoë 🐘 日本語'
    expect(
      await roundTrip('select $1::text, $2::text, $3::text, $4::varchar, $5::text', ['a', mega, unicode, '', "it's"]),
    ).toEqual(['a', mega, unicode, '', "it's"])
  })

  it('round-trips bytea, uuid, json and jsonb', async () => {
    const bytes = Buffer.from([0, 1, 2, 254, 255])
    const doc = { a: [1, 'two', null], b: { c: true } }
    const row = await roundTrip('select $1::bytea, $2::uuid, $3::json, $4::jsonb, $5::jsonb', [
      bytes,
      '1b4e28ba-2fa1-11d2-883f-0016d3cca427',
      doc,
      doc,
      'null',
    ])
    expect(row).toEqual([bytes, '1b4e28ba-2fa1-11d2-883f-0016d3cca427', doc, doc, null])
  })

  it('round-trips dates, timestamps and timestamptz, including infinity', async () => {
    const instant = new Date('2024-02-29T23:59:58.123Z')
    const row = await roundTrip(
      "select $1::date, $2::timestamptz, $3::timestamp, 'infinity'::timestamptz, '-infinity'::timestamp, '0044-03-15 12:00:00 BC'::timestamp",
      ['2024-02-29', instant, '2024-02-29 23:59:58.123'],
    )
    expect(row).toEqual([
      '2024-02-29',
      instant,
      instant,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      new Date(Date.UTC(-43, 2, 15, 12)),
    ])
  })

  it('reads timestamptz text in any session time zone', async () => {
    const [row] = await unprepared.begin(async (tx) => {
      await tx`set local time zone 'Asia/Kolkata'`
      return tx`select '2024-01-01 00:00:00+00'::timestamptz as t`
    })
    expect(row!.t).toEqual(new Date('2024-01-01T00:00:00Z'))
  })

  it('round-trips arrays: empty, nested, with NULLs and with quoting', async () => {
    const row = await roundTrip('select $1::int[], $2::int[], $3::text[], $4::int4[], $5::bool[], $6::float8[]', [
      [],
      [
        [1, 2],
        [3, 4],
      ],
      ['a', 'b c', '"quoted"', 'back\\slash', '', null, 'NULL', '{}'],
      [1, null, 3],
      [true, false],
      [1.5, Number.NaN, Number.NEGATIVE_INFINITY],
    ])
    expect(row).toEqual([
      [],
      [
        [1, 2],
        [3, 4],
      ],
      ['a', 'b c', '"quoted"', 'back\\slash', '', null, 'NULL', '{}'],
      [1, null, 3],
      [true, false],
      [1.5, Number.NaN, Number.NEGATIVE_INFINITY],
    ])
  })

  it('parses arrays of json, timestamps and int8 by element type', async () => {
    const row = await roundTrip(
      "select array['{\"a\":1}'::jsonb, 'null'], array['2024-01-01 00:00:00+00'::timestamptz], array[9007199254740993::int8]",
    )
    expect(row).toEqual([[{ a: 1 }, null], [new Date('2024-01-01T00:00:00Z')], ['9007199254740993']])
  })

  it('returns NULL as null in every column type', async () => {
    const row = await roundTrip(
      'select null::bool, null::int2, null::int4, null::int8, null::float8, null::numeric, null::text, null::bytea, null::uuid, null::jsonb, null::timestamptz, null::date, null::int[]',
    )
    expect(row).toEqual(new Array(13).fill(null))
  })

  it('applies custom parsers by OID, also to array elements', async () => {
    await withTypes({ parsers: { 1700: (text) => Number(text) * 2 } }, async (custom) => {
      for (let i = 0; i < 2; i++) {
        const [row] = await custom`select 1.5::numeric as n, array[1, 2]::numeric[] as list, 7::int4 as untouched`
        expect(row).toEqual({ n: 3, list: [2, 4], untouched: 7 })
      }
    })
  })

  it('sends values through custom serializers with sql.typed', async () => {
    const custom = createPool({
      url,
      max: 1,
      types: { serializers: { 600: (p: { x: number; y: number }) => `(${p.x},${p.y})` } },
    })
    try {
      const [row] = await custom`select ${custom.typed({ x: 1, y: 2 }, 600)}::text as point`
      expect(row).toEqual({ point: '(1,2)' })
    } finally {
      await custom.end()
    }
  })

  it('decodes numeric arrays into typed arrays when asked', async () => {
    await withTypes({ typedArrays: true }, async (typed) => {
      const query = () =>
        typed`select array[1, -2]::int4[] as i4, array[1.5]::float8[] as f8, array[3]::int2[] as i2, '{}'::float4[] as empty, array[1, null]::int4[] as holes`
      const [first] = await query() // first use: text
      const [row] = await query() // then binary
      expect(first).toEqual(row)
      expect(row!.i4).toEqual(new Int32Array([1, -2]))
      expect(row!.f8).toEqual(new Float64Array([1.5]))
      expect(row!.i2).toEqual(new Int16Array([3]))
      expect(row!.empty).toEqual(new Float32Array(0))
      expect(row!.holes).toEqual([1, null])
    })
  })
})

describe('one statement, one value', () => {
  it('returns float4 as the server prints it, identical between text and binary executions', async () => {
    const row = await roundTrip(
      "select '0.1'::float4, '3.4028235e+38'::float4, $1::float4, '-1.17549435e-38'::float4",
      [0.3],
    )
    expect(row).toEqual([0.1, 3.4028235e38, 0.3, -1.1754944e-38])
  })

  it('parses arrays of enums, inet, point and other types it does not know beforehand', async () => {
    await sql`drop type if exists test_mood cascade`
    await sql`create type test_mood as enum ('sad', 'happy')`
    const text =
      "select '{sad,happy}'::test_mood[] as moods, '{10.0.0.1,::1}'::inet[] as hosts, array[point(1,2), point(3,4)] as points, '{{sad,happy},{happy,NULL}}'::test_mood[] as grid, '{(1,2),(3,4);(5,6),(7,8)}'::box[] as boxes"
    const expected = {
      moods: ['sad', 'happy'],
      hosts: ['10.0.0.1', '::1'],
      points: ['(1,2)', '(3,4)'],
      grid: [
        ['sad', 'happy'],
        ['happy', null],
      ],
      boxes: ['(3,4),(1,2)', '(7,8),(5,6)'],
    }
    expect((await sql.unsafe(text))[0]).toEqual(expected)
    expect((await sql.unsafe(text))[0]).toEqual(expected)
    expect((await unprepared.unsafe(text))[0]).toEqual(expected)
    expect((await unprepared.unsafe(text))[0]).toEqual(expected)
  })

  it('applies a custom parser to the elements of an array of that type', async () => {
    await withTypes({ parsers: { 600: (t: string) => t.slice(1, -1).split(',').map(Number) } }, async (pool) => {
      const [row] = await pool`select array[point(1,2), null, point(3,4)] as points`
      expect(row).toEqual({ points: [[1, 2], null, [3, 4]] })
    })
  })
})
