// Parameters go out in text format with their type left to the server (OID 0), except byte arrays,
// which go out in binary. A value that cannot be sent raises a ParameterError naming its `$n`.
import { ParameterError } from '../errors.ts'
import { JSON_OID, JSONB } from './oids.ts'

const JSON_ARRAY = 199
const JSONB_ARRAY = 3807

/** A parameter with an explicit type OID, made by `sql.typed(value, oid)`. */
export class TypedValue {
  readonly value: unknown
  readonly oid: number
  constructor(value: unknown, type: number) {
    this.value = value
    this.oid = type
  }
}

export type EncodedValue = string | Uint8Array | null

/** Text (or binary for bytes) form of parameter `$index` (1-based). */
export function encodeParameter(
  value: unknown,
  index: number,
  serializers: Record<number, (value: any) => string> | undefined,
  type?: number,
): EncodedValue {
  switch (typeof value) {
    case 'string':
      return value
    case 'number':
      return String(value) // NaN, Infinity and -Infinity print as the server spells them
    case 'bigint':
      return value.toString()
    case 'boolean':
      return value ? 't' : 'f'
    case 'undefined':
      throw new ParameterError(index, `parameter $${index} is undefined (use null for SQL NULL)`)
    case 'function':
    case 'symbol':
      throw new ParameterError(index, `parameter $${index} is a ${typeof value}, which cannot be sent to the server`)
  }
  if (value === null) return null
  if (value instanceof TypedValue) {
    const serialize = serializers?.[value.oid]
    if (value.value === null || value.value === undefined) return null
    return serialize === undefined ? encodeParameter(value.value, index, serializers) : serialize(value.value)
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new ParameterError(index, `parameter $${index} is an invalid Date`)
    return value.toISOString()
  }
  if (value instanceof Uint8Array) return value
  if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    try {
      // the server's type for this parameter, when known, tells JSON from a PostgreSQL array
      if (type === JSON_OID || type === JSONB) return JSON.stringify(value)
      if (type === JSON_ARRAY || type === JSONB_ARRAY) return encodeJsonArray(value as ArrayLike<unknown>)
      return encodeArray(value as ArrayLike<unknown>)
    } catch (error) {
      throw new ParameterError(index, `parameter $${index} is an array that cannot be sent: ${message(error)}`, {
        cause: error,
      })
    }
  }
  try {
    return JSON.stringify(value)
  } catch (error) {
    throw new ParameterError(index, `parameter $${index} cannot be serialised as JSON: ${message(error)}`, {
      cause: error,
    })
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** Array literal: `{"a","b c",NULL,{"1","2"}}`; every element quoted, `\` and `"` escaped. */
export function encodeArray(values: ArrayLike<unknown>): string {
  let out = '{'
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ','
    const value = values[i]
    if (value === null || value === undefined) out += 'NULL'
    else if (Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof Uint8Array))) {
      out += encodeArray(value as ArrayLike<unknown>)
    } else out += `"${encodeElement(value).replace(/[\\"]/g, '\\$&')}"`
  }
  return `${out}}`
}

/** json[]/jsonb[]: each element is one JSON document, arrays and strings included (`{"[1,2]","\"s\""}`). */
function encodeJsonArray(values: ArrayLike<unknown>): string {
  let out = '{'
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ','
    const value = values[i]
    if (value === null || value === undefined) out += 'NULL'
    else {
      const json = JSON.stringify(value)
      out += `"${json.replace(/[\\"]/g, '\\$&')}"`
    }
  }
  return `${out}}`
}

function encodeElement(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value
    case 'number':
    case 'bigint':
      return String(value)
    case 'boolean':
      return value ? 't' : 'f'
    case 'function':
    case 'symbol':
      throw new TypeError(`an element is a ${typeof value}`)
  }
  if (value instanceof Date) return value.toISOString()
  if (value instanceof Uint8Array)
    return `\\x${Buffer.from(value.buffer, value.byteOffset, value.length).toString('hex')}`
  return JSON.stringify(value)
}
