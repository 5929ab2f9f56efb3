// Writes one execution into the connection's output buffer as an extended-protocol pipeline segment:
// [Close evicted] [Parse + Describe statement] Bind, [Describe portal], Execute, Sync. Each execution
// has its own Sync, so an error skips only its own segment and the executions after it keep their results.
import { ParameterError } from '../errors.ts'
import { type EncodedValue, encodeParameter } from '../types/encode.ts'
import {
  type Writer,
  writeCloseStatement,
  writeDescribe,
  writeExecute,
  writeFlush,
  writeParse,
  writeQuery,
  writeSync,
} from './bytes.ts'
import type { Execution } from './execution.ts'
import type { Statement, StatementCache } from './statement.ts'

// Bind and Parse carry the parameter count as an Int16 that the server reads unsigned (pq_getmsgint(msg, 2))
const MAX_PARAMETERS = 65535

// reused between executions: parameters are encoded first so a bad one leaves nothing half-written
const encoded: EncodedValue[] = []

/**
 * Whether `ex` must learn its parameter types before it is bound: it passes a JS array, which is a
 * PostgreSQL array for an array type but JSON for json/jsonb, and the statement's types are not known yet.
 */
export function needsDescribe(ex: Execution, cache: StatementCache): boolean {
  const params = ex.params
  let arrays = false
  for (let i = 0; i < params.length; i++) if (Array.isArray(params[i])) arrays = true
  if (!arrays) return false
  if (cache.max === 0) return ex.describedTypes === undefined
  return cache.get(ex.cacheKey)?.parameterTypes === undefined
}

/** The first half of a describe-first execution: [Parse] Describe statement, Sync. */
export function writeDescribeOnly(w: Writer, ex: Execution, cache: StatementCache): void {
  if (cache.max === 0) {
    writeParse(w, '', ex.text, ex.parameterTypes)
    writeDescribe(w, 0x53 /* S */, '')
  } else {
    const statement = prepareStatement(w, ex, cache)
    writeDescribe(w, 0x53 /* S */, statement.name)
  }
  writeSync(w)
}

/** Closes forgotten statements, then finds `ex`'s statement or writes its Parse (evicting the LRU one). */
function prepareStatement(w: Writer, ex: Execution, cache: StatementCache): Statement {
  const closing = cache.closing
  for (let i = 0; i < closing.length; i++) writeCloseStatement(w, closing[i]!)
  closing.length = 0
  const key = ex.cacheKey
  let statement = cache.get(key)
  if (statement === undefined) {
    const [added, evicted] = cache.add(key, ex.text)
    statement = added
    if (evicted !== undefined) writeCloseStatement(w, evicted.name)
    writeParse(w, statement.name, ex.text, ex.parameterTypes)
    ex.parses = true
  }
  ex.statement = statement
  return statement
}

export function writeExecution(
  w: Writer,
  ex: Execution,
  cache: StatementCache,
  serializers: Record<number, (value: any) => string> | undefined,
): void {
  const params = ex.params
  const count = params.length
  if (count > MAX_PARAMETERS) {
    throw new ParameterError(
      0,
      `too many parameters: ${count} (the protocol allows at most ${MAX_PARAMETERS} per query)`,
    )
  }
  if (ex.results !== undefined || ex.copy !== 0) {
    // .simple() and COPY (which takes no parameters) go with the simple protocol
    writeQuery(w, ex.text)
    return
  }
  // the server's parameter types, once known: a JS array bound to json/jsonb is sent as JSON
  const types = cache.max === 0 ? ex.describedTypes : cache.get(ex.cacheKey)?.parameterTypes
  let anyBinary = false
  encoded.length = count
  for (let i = 0; i < count; i++) {
    const value = encodeParameter(params[i], i + 1, serializers, types?.[i])
    if (value !== null && typeof value !== 'string') anyBinary = true
    encoded[i] = value
  }
  if (cache.max === 0) {
    writeParse(w, '', ex.text, ex.parameterTypes)
    writeBind(w, '', count, anyBinary, undefined)
    writeDescribe(w, 0x50 /* P */, '')
  } else {
    const statement = prepareStatement(w, ex, cache)
    if (ex.parses) writeDescribe(w, 0x53 /* S */, statement.name)
    else if (statement.parameterTypes !== undefined && statement.parameterTypes.length !== count) {
      throw new ParameterError(
        0,
        `wrong number of parameters: the statement takes ${statement.parameterTypes.length}, ${count} given`,
      )
    }
    ex.binary = statement.resultFormats !== undefined
    writeBind(w, statement.name, count, anyBinary, statement.resultFormats)
  }
  if (ex.cursorSize > 0) {
    // a cursor: the first batch, then Flush; the portal stays open until its Sync (see Connection.fetchMore)
    writeExecute(w, ex.cursorSize)
    writeFlush(w)
  } else {
    writeExecute(w)
    writeSync(w)
  }
  encoded.length = 0
}

/** Bind ('B') to the unnamed portal. */
function writeBind(
  w: Writer,
  statement: string,
  count: number,
  anyBinary: boolean,
  resultFormats: number[] | undefined,
): void {
  w.begin(0x42 /* B */)
  w.ensure(1)
  w.buffer[w.length++] = 0 // portal ""
  w.cstring(statement)
  if (anyBinary) {
    w.uint16(count)
    for (let i = 0; i < count; i++) w.int16(encoded[i] instanceof Uint8Array ? 1 : 0)
  } else {
    w.int16(0) // all parameters in text
  }
  w.uint16(count)
  for (let i = 0; i < count; i++) {
    const value = encoded[i] as EncodedValue
    if (value === null) w.int32(-1)
    else if (typeof value === 'string') w.lengthPrefixedString(value)
    else w.lengthPrefixedBytes(value)
  }
  const formats = resultFormats === undefined ? 0 : resultFormats.length
  w.uint16(formats)
  for (let i = 0; i < formats; i++) w.int16(resultFormats![i]!)
  w.end()
}
