// A prepared statement and what its description lets us precompute: the result format of each column
// and a row builder. Shared by every execution of the same SQL text on one connection.
import type { Decoder, TypeRegistry } from '../types/registry.ts'

/** Column metadata from RowDescription ('T'). */
export interface Column {
  name: string
  /** OID of the column's type (see `pg_type`). */
  type: number
  /** OID of the table the column comes from, 0 for expressions. */
  table: number
  /** Attribute number within that table, 0 for expressions. */
  attribute: number
  typeSize: number
  typeModifier: number
}

export type RowMaker = (values: unknown[]) => Record<string, unknown>

export class Statement {
  readonly name: string
  readonly text: string
  /** Parameter type OIDs from ParameterDescription ('t'), once the server described the statement. */
  parameterTypes: number[] | undefined = undefined
  columns: Column[] | undefined = undefined
  /** Int16 format codes for Bind, one per column; empty when every column is text. */
  resultFormats: number[] | undefined = undefined
  decoders: Decoder[] = []
  textDecoders: Decoder[] = []
  makeRow: RowMaker | undefined = undefined
  /** The error that failed its Parse, reported to executions that had already bound to it. */
  error: Error | undefined = undefined
  lastUsed = 0

  constructor(name: string, text: string) {
    this.name = name
    this.text = text
  }

  /** The registry version its decoders were chosen under; a later lookup may have settled more types. */
  typesVersion = -1
  /** Column types the registry has yet to look up; undefined when there are none. */
  unknownTypes: number[] | undefined = undefined

  describe(columns: Column[], registry: TypeRegistry): void {
    this.columns = columns
    this.typesVersion = registry.version
    this.unknownTypes = unknownTypes(columns, registry)
    this.decoders = []
    this.textDecoders = []
    const formats: number[] = []
    let anyBinary = false
    for (let i = 0; i < columns.length; i++) {
      const type = columns[i]!.type
      const binary = registry.prefersBinary(type)
      anyBinary ||= binary
      formats.push(binary ? 1 : 0)
      this.decoders.push(registry.decoder(type, binary))
      this.textDecoders.push(registry.decoder(type, false))
    }
    this.resultFormats = anyBinary ? formats : []
    this.makeRow = rowMaker(columns)
  }
}

/** The distinct column types that need a catalog lookup, or undefined. */
export function unknownTypes(columns: readonly Column[], registry: TypeRegistry): number[] | undefined {
  let unknown: number[] | undefined
  for (const { type } of columns) {
    if (registry.needsLookup(type) && !unknown?.includes(type)) (unknown ??= []).push(type)
  }
  return unknown
}

/**
 * Builds `values → { name0: values[0], ... }` as an object literal, so every row of a result shares
 * one hidden class and V8 creates it from a boilerplate (faster than assigning keys one by one).
 * Column names are embedded as JSON string literals; a `__proto__` column falls back to assignment.
 */
export function rowMaker(columns: readonly Column[]): RowMaker {
  const names = columns.map((column) => column.name)
  if (names.includes('__proto__')) {
    return (values) => {
      const row: Record<string, unknown> = {}
      for (let i = 0; i < names.length; i++) Object.defineProperty(row, names[i]!, dataProperty(values[i]))
      return row
    }
  }
  const body = names.map((name, i) => `${JSON.stringify(name)}: v[${i}]`).join(', ')
  return new Function('v', `return { ${body} }`) as RowMaker
}

function dataProperty(value: unknown): PropertyDescriptor {
  return { value, writable: true, enumerable: true, configurable: true }
}

/** Per-connection LRU of prepared statements, bounded by `max` (0 disables preparing). */
export class StatementCache {
  readonly max: number
  readonly #entries = new Map<string, Statement>()
  #clock = 0
  #nextId = 0

  constructor(max: number) {
    this.max = max
  }

  get size(): number {
    return this.#entries.size
  }

  get(key: string): Statement | undefined {
    const statement = this.#entries.get(key)
    // recency by counter: a hit costs one map lookup; eviction scans, which only happens on a miss when full
    if (statement !== undefined) statement.lastUsed = ++this.#clock
    return statement
  }

  /** Adds a statement for `key`; returns it and the statement evicted to make room, if any. */
  add(key: string, text: string): [Statement, Statement | undefined] {
    let evicted: Statement | undefined
    if (this.#entries.size >= this.max) {
      let oldestKey: string | undefined
      for (const [k, s] of this.#entries) {
        if (evicted === undefined || s.lastUsed < evicted.lastUsed) {
          evicted = s
          oldestKey = k
        }
      }
      this.#entries.delete(oldestKey!)
    }
    const statement = new Statement(`fa${this.#nextId++}`, text)
    statement.lastUsed = ++this.#clock
    this.#entries.set(key, statement)
    return [statement, evicted]
  }

  /**
   * Forgets every statement after DDL or DISCARD/DEALLOCATE on this session; their names are closed
   * ahead of the next statement written (Close of a name the server no longer has is not an error).
   */
  forgetAll(): void {
    for (const statement of this.#entries.values()) this.closing.push(statement.name)
    this.#entries.clear()
  }

  /** Names to Close before anything else is written. */
  readonly closing: string[] = []

  /** Forgets `statement` if it is still the entry for `key` (its Parse failed). */
  drop(key: string, statement: Statement): void {
    if (this.#entries.get(key) === statement) this.#entries.delete(key)
  }

  clear(): void {
    this.#entries.clear()
    this.closing.length = 0
  }
}
