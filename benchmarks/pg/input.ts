// Fixtures: a 10,000-row table of 8 mixed columns and a small accounts table for the transactions.
// Every adapter's answers are checked against what these functions say they must be.
import { createPool } from '@fasterapi/pg'

export const ROWS = 10_000
export const ACCOUNTS = 10

export const SETUP_SQL = `
drop table if exists bench_rows, bench_accounts cascade;
create table bench_rows (
  id int4 primary key, big int8 not null, label text not null, score float8 not null,
  active bool not null, created timestamptz not null, doc jsonb not null, ref uuid not null
);
insert into bench_rows
select n, n::int8 * 1000003, 'row number ' || n, n::float8 / 7, n % 3 = 0,
  timestamptz '2024-01-01 00:00:00+00' + n * interval '1 minute',
  jsonb_build_object('n', n, 'tags', jsonb_build_array('a', 'b')),
  ('00000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid
from generate_series(1, ${ROWS}) n;
create table bench_accounts (id int4 primary key, balance int8 not null);
insert into bench_accounts select n, 0 from generate_series(1, ${ACCOUNTS}) n;
analyze;
`

/** Creates the fixtures (statements one by one: the extended protocol takes one per Parse). */
export async function createFixtures(url: string): Promise<void> {
  const sql = createPool({ url, max: 1 })
  try {
    for (const statement of SETUP_SQL.split(';\n')) if (statement.trim()) await sql.unsafe(statement)
  } finally {
    await sql.end()
  }
}

/** The row the server returns for id `n`, in the shape every adapter is normalised to. */
export function expectedRow(n: number): NormalRow {
  return {
    id: n,
    big: String(n * 1000003),
    label: `row number ${n}`,
    score: n / 7,
    active: n % 3 === 0,
    created: Date.UTC(2024, 0, 1) + n * 60_000,
    doc: { n, tags: ['a', 'b'] },
    ref: `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`,
  }
}

export interface NormalRow {
  id: number
  big: string
  label: string
  score: number
  active: boolean
  created: number
  doc: unknown
  ref: string
}

/** Brings one driver's row to the common shape (int8 as string, timestamptz as epoch ms). */
export function normalise(row: Record<string, any>): NormalRow {
  return {
    id: row.id,
    big: String(row.big),
    label: row.label,
    score: row.score,
    active: row.active,
    created: (row.created as Date).getTime(),
    doc: row.doc,
    ref: row.ref,
  }
}

/** Cheap check used inside timed loops: first, middle and last rows, and the count. */
export function checkRows(rows: readonly Record<string, any>[]): void {
  if (rows.length !== ROWS) throw new Error(`expected ${ROWS} rows, got ${rows.length}`)
  for (const i of [0, ROWS >> 1, ROWS - 1]) {
    const got = JSON.stringify(normalise(rows[i]!))
    const want = JSON.stringify(expectedRow(i + 1))
    if (got !== want) throw new Error(`row ${i + 1}: expected ${want}, got ${got}`)
  }
}
