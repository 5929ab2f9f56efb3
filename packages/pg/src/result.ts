// What a query resolves to: its rows (objects, or arrays with `.values()`), plus the command tag,
// the affected/returned row count and the column metadata.
import type { Column } from './internal/statement.ts'

export type { Column }

/**
 * The rows of a result. An Array, so `for...of`, `map` and `length` work as usual.
 * @example
 * const users = await sql`select id, name from users`
 * users[0].name; users.count; users.command // 'SELECT'
 */
export class Result<T = Record<string, unknown>> extends Array<T> {
  /** The command tag's verb: 'SELECT', 'INSERT', 'UPDATE', 'DELETE', 'BEGIN'... ('' for an empty query). */
  command = ''
  /** Rows returned, or rows affected for INSERT/UPDATE/DELETE/MERGE/COPY. */
  count = 0
  /** One entry per result column; empty for commands that return no rows. */
  columns: Column[] = []

  // map/filter/slice of a result are plain arrays: the tag and columns describe the query, not the copy
  static override get [Symbol.species](): ArrayConstructor {
    return Array
  }
}

/** Parses a CommandComplete tag (`INSERT 0 5`, `SELECT 10`, `CREATE TABLE`) into the result. */
export function applyCommandTag(result: Result<unknown>, tag: string): void {
  const space = tag.indexOf(' ')
  if (space === -1) {
    result.command = tag
    return
  }
  const last = tag.lastIndexOf(' ')
  const count = Number(tag.slice(last + 1))
  if (Number.isInteger(count)) {
    result.command = tag.slice(0, space)
    result.count = count
  } else {
    result.command = tag
  }
}
