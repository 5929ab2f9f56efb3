// Observability: called around every query, for tracing and logs. A hook (or onNotice) that throws is
// reported through `process.emitWarning` and does not fail the query.

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

export function callHook<E>(hook: ((event: E) => void) | undefined, event: E): void {
  if (hook === undefined) return
  try {
    hook(event)
  } catch (error) {
    process.emitWarning(`@fasterapi/pg query hook threw: ${error instanceof Error ? error.message : String(error)}`)
  }
}
