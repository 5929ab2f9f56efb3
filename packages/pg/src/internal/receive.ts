// Backend message handlers, named after the messages
// (https://www.postgresql.org/docs/current/protocol-message-formats.html). The hot ones (DataRow,
// CommandComplete, ReadyForQuery, the *Complete acknowledgements) are read here straight from the socket
// buffer; the rest go through pg-protocol's parser.
import { Parser } from 'pg-protocol/dist/parser.js'
import type { Connection } from '../connection.ts'
import { COPY_MISUSE, PgDriverError, PostgresError, ProtocolError, STALE_STATEMENT } from '../errors.ts'
import { applyCommandTag, Result } from '../result.ts'
import { TYPE_LOOKUP, type TypeRow } from '../types/registry.ts'
import { authenticate } from './authenticate.ts'
import { type FastBuffer, fast } from './bytes.ts'
import { startCancelling } from './cancel.ts'
import { COPY_OUT, callHook, Execution, OBJECTS, VALUES } from './execution.ts'
import { type Column, rowMaker, unknownTypes } from './statement.ts'

// one parser for every connection: it is only ever handed single complete messages
let parser = new Parser()
let parsed: any
const keep = (message: unknown): void => {
  parsed = message
}

/** Parses one complete message (type byte at `start - 5`) with pg-protocol. */
function parse(buf: Buffer, start: number, end: number): any {
  try {
    parser.parse(buf.subarray(start - 5, end), keep)
  } catch (error) {
    parser = new Parser() // it may keep the bytes it choked on; the next message must not see them
    throw error
  }
  const message = parsed
  parsed = undefined
  return message
}

export function handleMessage(c: Connection, code: number, buf: Buffer, start: number, end: number): void {
  switch (code) {
    case 0x64 /* d */: // CopyData first: COPY TO STDOUT sends one per row
      c.current?.onCopyData?.(buf, start, end)
      return
    case 0x44 /* D */:
      DataRow(c, fast(buf), start)
      return
    case 0x43 /* C */:
      CommandComplete(c, fast(buf), start, end)
      return
    case 0x5a /* Z */:
      ReadyForQuery(c, buf[start]!)
      return
    case 0x31 /* 1 */:
      ParseComplete(c)
      return
    case 0x32 /* 2 */: // BindComplete
    case 0x33 /* 3 */: // CloseComplete
    case 0x49 /* I */: // EmptyQueryResponse: the result stays empty, command ''
      return
    case 0x41 /* A */:
      NotificationResponse(c, fast(buf), start, end)
      return
    case 0x6e /* n */:
      NoData(c)
      return
    case 0x47 /* G */:
      CopyInResponse(c)
      return
    case 0x48 /* H */:
      CopyOutResponse(c)
      return
    case 0x63 /* c */: // CopyDone: CommandComplete follows
      return
    case 0x73 /* s */:
      PortalSuspended(c)
      return
    case 0x54 /* T */:
      RowDescription(c, parse(buf, start, end))
      return
    case 0x74 /* t */:
      ParameterDescription(c, fast(buf), start)
      return
    case 0x45 /* E */:
      ErrorResponse(c, parse(buf, start, end))
      return
    case 0x4e /* N */: {
      const notice = c.options.onNotice
      if (notice !== undefined) {
        const message = parse(buf, start, end)
        callHook(notice, new PostgresError(message.message ?? '', message))
      }
      return
    }
    case 0x53 /* S */: {
      const message = parse(buf, start, end)
      c.parameters.set(message.parameterName, message.parameterValue)
      return
    }
    case 0x4b /* K */: {
      const message = parse(buf, start, end)
      c.processId = message.processID
      c.secretKey = message.secretKey
      return
    }
    case 0x52 /* R */:
      authenticate(c, parse(buf, start, end))
      return
    default:
      c.destroy(new ProtocolError(`unexpected message '${String.fromCharCode(code)}' from the server`))
  }
}

function DataRow(c: Connection, buf: FastBuffer, start: number): void {
  const ex = c.current
  if (ex === undefined || ex.error !== undefined) return
  let decoders = ex.decoders
  if (decoders === undefined) decoders = prepareDecoding(c)
  const count = (buf[start]! << 8) | buf[start + 1]!
  const values = ex.mode === OBJECTS ? c.scratch : new Array(count)
  let p = start + 2
  try {
    for (let i = 0; i < count; i++) {
      const length = (buf[p]! << 24) | (buf[p + 1]! << 16) | (buf[p + 2]! << 8) | buf[p + 3]!
      p += 4
      if (length === -1) values[i] = null
      else {
        values[i] = decoders[i]!(buf, p, length)
        p += length
      }
    }
  } catch (error) {
    // a custom parser threw: the query fails, the connection is unaffected
    ex.fail(error)
    return
  }
  ex.result.push(ex.mode === OBJECTS ? ex.makeRow!(values) : values)
}

/** Picks the decoders for the current execution once its columns are known. */
function prepareDecoding(c: Connection): any[] {
  const ex = c.current!
  const statement = ex.statement
  const registry = c.registry
  if (statement !== undefined && statement.columns !== undefined) {
    // invariant: a statement's decoders match the registry version they were chosen under
    if (statement.typesVersion !== registry.version) statement.describe(statement.columns, registry)
    ex.columns = statement.columns
    ex.decoders = ex.binary ? statement.decoders : statement.textDecoders
    ex.makeRow = statement.makeRow
    ex.lookupTypes = statement.unknownTypes
  } else {
    const columns = ex.columns ?? []
    ex.decoders = columns.map((column) => registry.decoder(column.type, false))
    ex.makeRow = rowMaker(columns)
    ex.lookupTypes = unknownTypes(columns, registry)
  }
  return ex.decoders
}

/**
 * The execution's columns include types the registry has never seen (an enum's array, inet[]...): their
 * values were kept as text. Ask the catalog (pipelined on this connection), then parse the arrays among
 * them in the rows already read, and settle. Later executions decode those types directly.
 */
function lookUpTypes(c: Connection, ex: Execution, types: number[]): void {
  const lookup = new Execution(
    TYPE_LOOKUP,
    [`{${types.join(',')}}`],
    undefined,
    VALUES,
    undefined,
    undefined,
    undefined,
  )
  c.execute(lookup)
  lookup.promise.then(
    (rows) => {
      c.registry.learn(types, rows as unknown as TypeRow[])
      reparseColumns(c, ex, types)
      ex.finish()
    },
    // the values stay text (e.g. the lookup ran in a transaction that failed since); a later use asks again
    () => ex.finish(),
  )
}

function reparseColumns(c: Connection, ex: Execution, types: number[]): void {
  const columns = ex.columns!
  const rows = ex.result
  for (let i = 0; i < columns.length; i++) {
    const { type, name } = columns[i]!
    if (!types.includes(type)) continue
    const parse = c.registry.parseText(type)
    // an object row keeps the last column of a repeated name
    const key = ex.mode === OBJECTS ? name : i
    if (ex.mode === OBJECTS && columns.findLastIndex((column) => column.name === name) !== i) continue
    for (const row of rows) {
      const value = row[key]
      if (typeof value === 'string') row[key] = parse(value)
    }
  }
}

function CommandComplete(c: Connection, buf: FastBuffer, start: number, end: number): void {
  const ex = c.current
  if (ex === undefined) return
  if (ex.decoders === undefined) prepareDecoding(c)
  applyCommandTag(ex.result, buf.latin1Slice(start, end - 1))
  ex.result.columns = ex.columns ?? []
  if (changesStatements(ex.result.command)) c.statements.forgetAll()
  if (ex.results !== undefined) nextStatement(ex)
  if (ex.cursorSize > 0 && !ex.describing) {
    // the portal completed: hand over the last rows; the result that settles the cursor keeps the tag only
    const rows = ex.result
    ex.result = new Result()
    ex.result.command = rows.command
    ex.result.count = rows.count
    ex.result.columns = rows.columns
    ex.onBatch?.(rows, true)
    c.closeCursor(ex)
  }
}

/** A cursor's Execute returned its row limit; the portal waits for the next Execute. */
function PortalSuspended(c: Connection): void {
  const ex = c.current
  if (ex === undefined || ex.cursorSize === 0) return
  const rows = ex.result
  ex.result = new Result()
  if (ex.error === undefined) ex.onBatch?.(rows, false)
}

/** Simple protocol: one statement of the text completed; the next one starts with a fresh result. */
function nextStatement(ex: Execution): void {
  ex.results!.push(ex.result)
  ex.result = new Result()
  ex.columns = undefined
  ex.decoders = undefined
  ex.makeRow = undefined
  ex.lookupTypes = undefined
}

/**
 * DDL can change the columns behind a cached statement, which the server then refuses to run (0A000) —
 * fatally inside a transaction; DISCARD ALL and DEALLOCATE drop the server's statements. Either way the
 * cache starts over, so the next use of each text is prepared afresh.
 */
function changesStatements(command: string): boolean {
  switch (command.charCodeAt(0)) {
    case 0x41 /* A */:
      return command.startsWith('ALTER ')
    case 0x43 /* C */:
      return command.startsWith('CREATE ')
    case 0x44 /* D */:
      return command.startsWith('DROP ') || command === 'DISCARD ALL' || command.startsWith('DEALLOCATE')
    default:
      return false
  }
}

function ReadyForQuery(c: Connection, status: number): void {
  c.transactionStatus = String.fromCharCode(status)
  if (c.startup !== undefined) {
    const { resolve } = c.startup
    c.startup = undefined
    c.idleSince = Date.now()
    resolve()
    return
  }
  const ex = c.shift()
  if (ex === undefined) return
  if ((ex.cursorSize > 0 && ex.synced) || ex.copy !== 0) {
    ex.finish()
    c.releaseHeld()
  } else if (ex.describing) c.resumeAfterDescribe(ex)
  else if (ex.retryStale && status === 0x49 /* I */) {
    // outside a transaction block nothing else depended on the failed attempt: prepare and run it again
    ex.reset()
    ex.retried = true
    c.execute(ex)
  } else {
    if (ex.retryStale) ex.error = staleInTransaction(ex.error)
    const types = ex.lookupTypes
    if (types !== undefined && ex.error === undefined && ex.aborted === undefined) lookUpTypes(c, ex, types)
    else ex.finish()
  }
  const next = c.current
  if (next?.cancelWhenCurrent) startCancelling(c, next)
  if (c.inFlight === 0) {
    c.idleSince = Date.now()
    c.onIdle?.(c)
  }
}

function staleInTransaction(error: unknown): unknown {
  if (!(error instanceof PostgresError) || error.code !== '0A000') return error
  return new PgDriverError(
    STALE_STATEMENT,
    'a cached statement went stale inside a transaction (another session changed the columns it reads); ' +
      'the statement was dropped: run the transaction again, or use begin({ retry }) to do so automatically',
    { cause: error },
  )
}

function ParseComplete(c: Connection): void {
  const ex = c.current
  if (ex !== undefined) ex.parses = false
}

function RowDescription(c: Connection, message: any): void {
  const ex = c.current
  if (ex === undefined) return
  const columns: Column[] = message.fields.map((field: any) => ({
    name: field.name,
    type: field.dataTypeID,
    table: field.tableID,
    attribute: field.columnID,
    typeSize: field.dataTypeSize,
    typeModifier: field.dataTypeModifier,
  }))
  const statement = ex.statement
  if (statement !== undefined && statement.columns === undefined) statement.describe(columns, c.registry)
  else ex.columns = columns
}

/** The statement or portal returns no rows (INSERT without RETURNING, DDL...). */
function NoData(c: Connection): void {
  const statement = c.current?.statement
  if (statement !== undefined && statement.columns === undefined) statement.describe([], c.registry)
}

/** Int16 count (read unsigned: pg-protocol reads it signed and fails past 32767), then one Int32 OID each. */
function ParameterDescription(c: Connection, buf: FastBuffer, start: number): void {
  const ex = c.current
  if (ex === undefined) return
  const count = (buf[start]! << 8) | buf[start + 1]!
  const types = new Array<number>(count)
  for (let i = 0; i < count; i++) types[i] = buf.readUInt32BE(start + 2 + i * 4)
  if (ex.statement !== undefined) ex.statement.parameterTypes = types
  else ex.describedTypes = types
}

/**
 * The server waits for COPY FROM STDIN's data (Int8 format, Int16 columns, Int16 format each: not needed, the
 * statement chose them). Without a source to send (`copyFrom` was not used) it is aborted with CopyFail at once.
 */
function CopyInResponse(c: Connection): void {
  const ex = c.current
  if (ex === undefined) return
  ex.copying = true
  if (ex.onCopyIn !== undefined) {
    ex.onCopyIn(c)
    return
  }
  const error = copyMisuse('COPY ... FROM STDIN takes its data from .copyFrom(source)')
  if (ex.copy === 0 && c.inFlight > 1) {
    // queries pipelined behind it reached the server in copy mode and aborted it; their answers cannot be
    // told apart any more: close the session rather than hand out a wrong result
    ex.fail(error)
    c.destroy(error)
    return
  }
  ex.fail(error)
  // sent with the extended protocol, the Sync that followed it was ignored in copy mode: send another
  c.copyFail('no data source: use .copyFrom(source)', ex.copy === 0)
}

/** COPY TO STDOUT starts sending CopyData; without a consumer (`copyTo` was not used) the data is dropped. */
function CopyOutResponse(c: Connection): void {
  const ex = c.current
  if (ex === undefined) return
  ex.copying = true
  if (ex.copy !== COPY_OUT) ex.fail(copyMisuse('COPY ... TO STDOUT hands its data to .copyTo()'))
}

function copyMisuse(message: string): PgDriverError {
  return new PgDriverError(COPY_MISUSE, message)
}

/**
 * Int32 sender's process id, String channel, String payload. It arrives between other messages, whenever
 * a transaction that ran NOTIFY commits; a connection that is not the listener's (a raw LISTEN on a pooled
 * connection) has no handler and the notification is dropped.
 */
function NotificationResponse(c: Connection, buf: FastBuffer, start: number, end: number): void {
  const deliver = c.onNotification
  if (deliver === undefined) return
  const processId = buf.readInt32BE(start)
  const channelEnd = buf.indexOf(0, start + 4)
  if (channelEnd === -1 || channelEnd >= end) return
  deliver(buf.utf8Slice(start + 4, channelEnd), buf.utf8Slice(channelEnd + 1, end - 1), processId)
}

function ErrorResponse(c: Connection, message: any): void {
  const error = new PostgresError(message.message ?? 'unknown server error', message)
  const ex = c.current
  if (c.startup !== undefined || ex === undefined) {
    // FATAL during startup (wrong password, unknown database) or outside any query (admin shutdown)
    c.closeReason = error
    if (c.startup !== undefined || error.severity === 'FATAL' || error.severity === 'PANIC') c.destroy(error)
    return
  }
  // a cursor's segment ends with Flush, not Sync: the server skips everything until the Sync sent now
  if (ex.cursorSize > 0 && !ex.describing) c.closeCursor(ex)
  const statement = ex.statement
  if (statement !== undefined) {
    if (error.code === '0A000' && !ex.parses && error.routine === 'RevalidateCachedQuery') {
      // "cached plan must not change result type": DDL changed the columns behind a prepared statement
      c.statements.drop(ex.cacheKey, statement)
      ex.retryStale = ex.error === undefined && !ex.retried
    } else if (error.code === '26000' && !ex.parses && statement.error === undefined) {
      // "prepared statement does not exist": DISCARD ALL or DEALLOCATE ran where the cache could not see it
      // (a function, or pipelined ahead of this execution)
      c.statements.drop(ex.cacheKey, statement)
      ex.retryStale = ex.error === undefined && !ex.retried
    } else if (ex.parses) {
      // the Parse failed: forget the statement; executions already bound to it get this error too
      statement.error = error
      c.statements.drop(ex.cacheKey, statement)
    } else if (statement.error !== undefined && error.code === '26000') {
      ex.fail(statement.error)
      return
    }
  }
  ex.fail(error)
  if (error.severity === 'FATAL' || error.severity === 'PANIC') c.closeReason = error
}
