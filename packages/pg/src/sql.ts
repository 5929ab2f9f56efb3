// Building query text from tagged templates. Values always become `$n` parameters; only the helpers
// below add text, and they quote what they add. Nested queries (sql`...` inside sql`...`) are inlined
// with their own parameters renumbered.
import { INVALID_HELPER, INVALID_IDENTIFIER, PgDriverError } from './errors.ts'
import { TypedValue } from './types/encode.ts'

/** Marks objects that the template compiler expands instead of sending as one parameter. */
export abstract class SqlPart {
  abstract appendTo(out: CompiledSql): void
}

export interface CompiledSql {
  text: string
  params: unknown[]
  /** Parse's parameter type OIDs when `sql.typed` was used, 0 for the rest. */
  types: number[] | undefined
}

/** Quotes an identifier: `"name"`, with `"` doubled. */
export function escapeIdentifier(name: string): string {
  if (typeof name !== 'string' || name.length === 0 || name.includes('\0')) {
    throw new PgDriverError(INVALID_IDENTIFIER, `invalid identifier ${JSON.stringify(name)}`)
  }
  return `"${name.replace(/"/g, '""')}"`
}

export function appendValue(out: CompiledSql, value: unknown): void {
  if (value instanceof SqlPart) {
    value.appendTo(out)
    return
  }
  // a TypedValue stays wrapped: encodeParameter applies the serializer registered for its OID
  const n = out.params.push(value)
  if (value instanceof TypedValue) {
    out.types ??= []
    while (out.types.length < n - 1) out.types.push(0)
    out.types.push(value.oid)
  }
  out.text += `$${n}`
}

export function appendTemplate(out: CompiledSql, strings: readonly string[], values: readonly unknown[]): void {
  out.text += strings[0]!
  for (let i = 0; i < values.length; i++) {
    appendValue(out, values[i])
    out.text += strings[i + 1]!
  }
}

/** Finishes the types array so it has one entry per parameter. */
export function finishTypes(out: CompiledSql): void {
  if (out.types !== undefined) while (out.types.length < out.params.length) out.types.push(0)
}

/** `sql.id('schema', 'table')` → `"schema"."table"`. */
export class Identifier extends SqlPart {
  readonly names: readonly string[]
  constructor(names: readonly string[]) {
    super()
    this.names = names
  }
  appendTo(out: CompiledSql): void {
    out.text += this.names.map(escapeIdentifier).join('.')
  }
}

/**
 * `sql.list([1, 2])` → `($1, $2)`. `in ()` is not valid SQL, so an empty list renders `(null)`: `x in (null)`
 * matches no row (as does `not in (null)`; for a negated empty set use `<> all(${array})`).
 */
export class List extends SqlPart {
  readonly values: readonly unknown[]
  constructor(values: readonly unknown[]) {
    super()
    this.values = values
  }
  appendTo(out: CompiledSql): void {
    if (this.values.length === 0) {
      out.text += '(null)'
      return
    }
    out.text += '('
    for (let i = 0; i < this.values.length; i++) {
      if (i > 0) out.text += ', '
      appendValue(out, this.values[i])
    }
    out.text += ')'
  }
}

function columnsOf(row: object | undefined, columns: readonly string[] | undefined, helper: string): readonly string[] {
  const names = columns ?? (row === undefined ? [] : Object.keys(row))
  if (names.length === 0) throw new PgDriverError(INVALID_HELPER, `sql.${helper}() needs at least one column`)
  return names
}

/** `sql.insert([{ a: 1, b: 2 }])` → `("a", "b") values ($1, $2)`. */
export class Insert extends SqlPart {
  readonly rows: readonly Record<string, unknown>[]
  readonly columns: readonly string[]
  constructor(rows: readonly Record<string, unknown>[], columns: readonly string[] | undefined) {
    super()
    if (rows.length === 0) throw new PgDriverError(INVALID_HELPER, 'sql.insert() needs at least one row')
    this.rows = rows
    this.columns = columnsOf(rows[0], columns, 'insert')
  }
  appendTo(out: CompiledSql): void {
    out.text += `(${this.columns.map(escapeIdentifier).join(', ')}) values `
    for (let r = 0; r < this.rows.length; r++) {
      out.text += r === 0 ? '(' : ', ('
      const row = this.rows[r]!
      for (let c = 0; c < this.columns.length; c++) {
        if (c > 0) out.text += ', '
        appendValue(out, row[this.columns[c]!] ?? null)
      }
      out.text += ')'
    }
  }
}

/** `sql.update({ a: 1, b: 2 })` → `"a" = $1, "b" = $2`. */
export class Update extends SqlPart {
  readonly row: Record<string, unknown>
  readonly columns: readonly string[]
  constructor(row: Record<string, unknown>, columns: readonly string[] | undefined) {
    super()
    this.row = row
    this.columns = columnsOf(row, columns, 'update')
  }
  appendTo(out: CompiledSql): void {
    for (let c = 0; c < this.columns.length; c++) {
      const name = this.columns[c]!
      out.text += `${c === 0 ? '' : ', '}${escapeIdentifier(name)} = `
      appendValue(out, this.row[name] ?? null)
    }
  }
}

/** `sql.join([sql`a = ${1}`, sql`b = ${2}`], ' and ')` → `a = $1 and b = $2`. */
export class Join extends SqlPart {
  readonly parts: readonly unknown[]
  readonly separator: string
  constructor(parts: readonly unknown[], separator: string) {
    super()
    this.parts = parts
    this.separator = separator
  }
  appendTo(out: CompiledSql): void {
    for (let i = 0; i < this.parts.length; i++) {
      if (i > 0) out.text += this.separator
      appendValue(out, this.parts[i])
    }
  }
}
