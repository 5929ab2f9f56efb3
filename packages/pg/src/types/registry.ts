// Chooses, per column type, the wire format asked for in Bind and the function that decodes it. Binary
// where it measured faster (no intermediate string); text for everything else, parsed straight from bytes.
import type { FastBuffer } from '../internal/bytes.ts'
import {
  type Decoder,
  decodeBool,
  decodeBytea,
  decodeFloat8,
  decodeInt2,
  decodeInt4,
  decodeInt8BigInt,
  decodeInt8Number,
  decodeOid,
  decodeTimestamp,
  hasTypedArray,
  toTypedArray,
  typedArrayDecoder,
} from './binary.ts'
import * as oid from './oids.ts'
import {
  identity,
  parseArray,
  parseBigInt,
  parseBool,
  parseBytea,
  parseJson,
  parseNumber,
  parseTimestamp,
  type TextParser,
} from './text.ts'

export interface TypeOptions {
  /** How int8 (bigint) values are returned. @default 'string' (lossless) */
  int8?: 'string' | 'bigint' | 'number'
  /** How numeric values are returned. @default 'string' (lossless) */
  numeric?: 'string' | 'number'
  /** Decode int2/int4/float4/float8 arrays as Int16Array/Int32Array/Float32Array/Float64Array. @default false */
  typedArrays?: boolean
  /** Custom parsers by type OID; they receive the text form. Array columns of that type use them per element. */
  parsers?: Record<number, TextParser>
  /** Custom serializers by type OID, used for parameters wrapped in `sql.typed(value, oid)`. */
  serializers?: Record<number, (value: any) => string>
}

export type { Decoder, TextParser }

/** Text decoder from a string parser. */
function fromText(parse: TextParser): Decoder {
  return (buf, start, length) => parse(buf.utf8Slice(start, start + length))
}

const decodeText: Decoder = (buf, start, length) => buf.utf8Slice(start, start + length)

/** For types whose text form is always ASCII: latin1Slice skips UTF-8 validation. */
const decodeAscii: Decoder = (buf, start, length) => buf.latin1Slice(start, start + length)
const ASCII_TYPES = new Set([oid.INT8, oid.NUMERIC, oid.UUID, oid.DATE, oid.TIME, oid.INTERVAL])

/** Integer straight from its ASCII digits: no string is built. */
const decodeTextInt: Decoder = (buf: FastBuffer, start: number, length: number) => {
  let p = start
  const end = start + length
  const negative = buf[p] === 45 /* - */
  if (negative) p++
  let value = 0
  while (p < end) value = value * 10 + buf[p++]! - 48
  return negative ? -value : value
}

/** A row of the catalog lookup for types the registry did not know: `pg_type` oid, typelem, typdelim, is array. */
export type TypeRow = [oid: number, element: number, delimiter: string, isArray: boolean]

/** Asks the catalog about types first seen in a result (enums, inet, point, extension types, their arrays). */
export const TYPE_LOOKUP =
  "select oid, typelem, typdelim, typcategory = 'A' and typlen = -1 from pg_catalog.pg_type where oid = any($1::oid[])"

export class TypeRegistry {
  readonly options: TypeOptions
  readonly #parsers: Record<number, TextParser>
  readonly #binary = new Map<number, Decoder>()
  readonly #text = new Map<number, Decoder>()
  /** Types whose decoding is settled: the built-ins above, custom parsers, and every type looked up. */
  readonly #known = new Set<number>()
  /** Array types learned from the catalog: element type and delimiter. */
  readonly #arrays = new Map<number, { element: number; delimiter: number }>()
  /** Bumped whenever a lookup settles types, so statements described before it pick new decoders. */
  version = 0

  constructor(options: TypeOptions = {}) {
    this.options = options
    const int8 = options.int8 ?? 'string'
    this.#parsers = {
      [oid.BOOL]: parseBool,
      [oid.INT2]: parseNumber,
      [oid.INT4]: parseNumber,
      [oid.OID]: parseNumber,
      [oid.INT8]: int8 === 'string' ? identity : int8 === 'bigint' ? parseBigInt : parseNumber,
      [oid.NUMERIC]: options.numeric === 'number' ? parseNumber : identity,
      [oid.FLOAT4]: parseNumber,
      [oid.FLOAT8]: parseNumber,
      [oid.JSON_OID]: parseJson,
      [oid.JSONB]: parseJson,
      [oid.BYTEA]: parseBytea,
      [oid.TIMESTAMP]: parseTimestamp,
      [oid.TIMESTAMPTZ]: parseTimestamp,
      ...options.parsers,
    }
    const custom = options.parsers ?? {}
    const binary: [number, Decoder][] = [
      [oid.BOOL, decodeBool],
      [oid.INT2, decodeInt2],
      [oid.INT4, decodeInt4],
      [oid.OID, decodeOid],
      [oid.FLOAT8, decodeFloat8],
      [oid.BYTEA, decodeBytea],
      [oid.TIMESTAMP, decodeTimestamp],
      [oid.TIMESTAMPTZ, decodeTimestamp],
    ]
    // float4 stays text: the server prints the shortest decimal that round-trips (0.1), which Number() keeps;
    // binary gives the float32 widened (0.10000000149011612), and finding the shortest decimal again costs
    // 2.3-2.7x the text parse (bench/decoders.bench.ts), so text is both right and faster
    // int8 as a string is cheapest from text: the server already wrote the digits
    if (int8 === 'bigint') binary.push([oid.INT8, decodeInt8BigInt])
    if (int8 === 'number') binary.push([oid.INT8, decodeInt8Number])
    if (options.typedArrays) {
      for (const [arrayOid, element] of oid.ARRAY_ELEMENT) {
        if (hasTypedArray(element) && custom[element] === undefined) {
          binary.push([arrayOid, typedArrayDecoder(element)])
        }
      }
    }
    for (const [type, decoder] of binary) if (custom[type] === undefined) this.#binary.set(type, decoder)
    for (const value of Object.values(oid)) if (typeof value === 'number') this.#known.add(value)
    for (const [arrayOid, element] of oid.ARRAY_ELEMENT) this.#known.add(arrayOid).add(element)
    for (const type of Object.keys(this.#parsers)) this.#known.add(Number(type))
  }

  /** Whether a column of `type` must be looked up in the catalog before its values can be decoded right. */
  needsLookup(type: number): boolean {
    return !this.#known.has(type)
  }

  /** Settles `asked` with the catalog's rows: the arrays among them get parsed from now on. */
  learn(asked: readonly number[], rows: readonly TypeRow[]): void {
    for (const [type, element, delimiter, isArray] of rows) {
      if (isArray && element !== 0) this.#arrays.set(type, { element, delimiter: delimiter.charCodeAt(0) })
    }
    for (const type of asked) {
      this.#known.add(type)
      this.#text.delete(type)
    }
    this.version++
  }

  /** The full-value text parser for `type` (arrays included), for values decoded before `type` was known. */
  parseText(type: number): TextParser {
    const array = this.#arrays.get(type)
    if (array === undefined) return this.textParser(type)
    const parse = this.textParser(array.element)
    return (text) => parseArray(text, parse, array.delimiter)
  }

  /** Whether a column of this type is asked for in binary when the statement is known. */
  prefersBinary(type: number): boolean {
    return this.#binary.has(type)
  }

  /** The decoder for a column of `type` sent in the given format. */
  decoder(type: number, binary: boolean): Decoder {
    if (binary) return this.#binary.get(type)!
    let decoder = this.#text.get(type)
    if (decoder === undefined) {
      decoder = this.#textDecoder(type)
      this.#text.set(type, decoder)
    }
    return decoder
  }

  /** The string parser for `type`, used for array elements and custom types. */
  textParser(type: number): TextParser {
    return this.#parsers[type] ?? identity
  }

  #textDecoder(type: number): Decoder {
    const custom = this.options.parsers?.[type]
    if (custom !== undefined) return fromText(custom)
    if (type === oid.INT2 || type === oid.INT4) return decodeTextInt
    const element = oid.ARRAY_ELEMENT.get(type)
    if (element !== undefined) {
      const parse = this.textParser(element)
      if (this.#binary.has(type)) return fromText((text) => toTypedArray(element, parseArray(text, parse)))
      return fromText((text) => parseArray(text, parse))
    }
    if (this.#arrays.has(type)) return fromText(this.parseText(type))
    const parse = this.#parsers[type]
    if (parse !== undefined && parse !== identity) return fromText(parse)
    return ASCII_TYPES.has(type) ? decodeAscii : decodeText
  }
}
