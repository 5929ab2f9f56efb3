// An `sql` tag whose every query carries one AbortSignal: aborting it cancels queued queries and sends the server
// a CancelRequest for the running one. Helpers that build fragments need no signal and are the pool's own.
import type { Query, Row, Sql, TransactionSql } from '@fasterapi/pg'

/** The `sql` a request sees: the pool's tag and helpers, with `begin()`; queries stop when the request does. */
export interface RequestSql extends TransactionSql {
  begin: Sql['begin']
}

export function withSignal(sql: Sql, signal: AbortSignal): RequestSql
export function withSignal(sql: TransactionSql, signal: AbortSignal): TransactionSql
export function withSignal(sql: TransactionSql & Partial<Pick<Sql, 'begin'>>, signal: AbortSignal): RequestSql {
  function bound<T = Row>(strings: TemplateStringsArray, ...values: unknown[]): Query<T> {
    return sql<T>(strings, ...values).withSignal(signal)
  }
  const helpers = {
    unsafe: <T = Row>(text: string, params?: readonly unknown[]) => sql.unsafe<T>(text, params).withSignal(signal),
    id: sql.id,
    list: sql.list,
    insert: sql.insert,
    update: sql.update,
    join: sql.join,
    typed: sql.typed,
    begin: <T>(fn: (tx: TransactionSql) => Promise<T> | T) => {
      if (sql.begin === undefined) throw new TypeError('begin() is not available inside a transaction')
      return sql.begin((tx) => fn(withSignal(tx, signal)))
    },
  }
  return Object.assign(bound, helpers) as RequestSql
}
