// multipart/form-data (RFC 7578) on @fastify/busboy: streamed part by part to the handler, or collected
// into fields and in-memory files when the route validates the form with a schema.
import type { Readable } from 'node:stream'
import { Future } from '@fasterapi/futures'
import type { BusboyInstance } from '@fastify/busboy'
import { HTTPException } from './errors.ts'
import type { Exchange } from './exchange.ts'
import { busboyModule } from './internal/lazy.ts'

export interface MultipartLimits {
  /** Largest whole body in bytes, every part and boundary counted (413 beyond). */
  bodySize: number
  /** Largest file in bytes (413 beyond). */
  fileSize: number
  /** Most files in one form. @default 10 */
  files?: number
  /** Most non-file fields. @default 1000 */
  fields?: number
}

export interface FieldPart {
  kind: 'field'
  name: string
  value: string
}

export interface FilePart {
  kind: 'file'
  name: string
  filename: string
  mimeType: string
  /** The file's bytes as they arrive; read it (or leave it: it is drained when you move on). */
  stream: Readable
}

export type Part = FieldPart | FilePart

/** A collected upload: what FastAPI's UploadFile holds, in memory. */
export class UploadFile {
  readonly filename: string
  readonly mimeType: string
  readonly bytes: Buffer
  constructor(filename: string, mimeType: string, bytes: Buffer) {
    this.filename = filename
    this.mimeType = mimeType
    this.bytes = bytes
  }
  get size(): number {
    return this.bytes.length
  }
  text(): string {
    return this.bytes.toString('utf8')
  }
}

export type FormValue = string | UploadFile
export type FormData = Record<string, FormValue | FormValue[]>

/** Most parts (fields and files) one form may hold. */
const MAX_PARTS = 2000

// invariant: at most `limits.bodySize` bytes of the body are ever handed to the parser; `overflow` is called
// once when the body (declared or counted) is larger, and the rest is drained unparsed
function start(
  { Busboy }: { Busboy: typeof import('@fastify/busboy').Busboy },
  ex: Exchange,
  limits: MultipartLimits,
  overflow: (error: HTTPException) => void,
) {
  let parser: BusboyInstance
  try {
    parser = Busboy({
      headers: ex.headers as { 'content-type': string },
      limits: {
        fileSize: limits.fileSize,
        files: limits.files ?? 10,
        fields: limits.fields ?? 1000,
        parts: MAX_PARTS,
      },
    })
  } catch (error) {
    throw new HTTPException(400, `Malformed multipart request: ${(error as Error).message}`)
  }
  const source = ex.bodyStream()
  let size = 0
  const count = (chunk: Buffer) => {
    size += chunk.length
    if (size <= limits.bodySize) return
    source.off('data', count)
    source.unpipe(parser)
    source.resume()
    overflow(bodyTooLarge(limits))
  }
  source.on('data', count)
  source.pipe(parser)
  return { parser, source }
}

function checkDeclared(ex: Exchange, limits: MultipartLimits): void {
  const declared = ex.headers['content-length']
  if (declared !== undefined && Number(declared) > limits.bodySize) throw bodyTooLarge(limits)
}

const bodyTooLarge = (limits: MultipartLimits) =>
  new HTTPException(413, `Request body is larger than ${limits.bodySize} bytes`, { connection: 'close' })
const tooLarge = (limits: MultipartLimits) =>
  new HTTPException(413, `An uploaded file is larger than ${limits.fileSize} bytes`, { connection: 'close' })
const tooMany = (what: string) => new HTTPException(413, `Too many ${what} in the form`, { connection: 'close' })
/** The whole form: fields as strings, files as UploadFile; repeated names collect into arrays. */
export function readMultipart(ex: Exchange, limits: MultipartLimits): Future<FormData> {
  checkDeclared(ex, limits)
  const busboy = busboyModule.get()
  if (busboy === undefined) return Future.from(busboyModule.load()).then(() => readMultipart(ex, limits))
  const { future, resolve, reject } = Future.withResolvers<FormData>()
  const form: FormData = Object.create(null)
  const add = (name: string, value: FormValue) => {
    const prev = form[name]
    form[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value]
  }
  let pending = 0
  let finished = false
  let failed = false
  const fail = (error: unknown) => {
    if (failed) return
    failed = true
    source.unpipe(parser)
    source.resume()
    reject(
      error instanceof HTTPException ? error : new HTTPException(400, `Malformed multipart body: ${String(error)}`),
    )
  }
  const done = () => {
    if (finished && pending === 0 && !failed) resolve(form)
  }
  const { parser, source } = start(busboy, ex, limits, (error) => fail(error))
  parser.on('field', (name: string, value: string) => add(name, value))
  parser.on(
    'file',
    (name: string, stream: Readable & { truncated?: boolean }, filename: string, _enc: string, mimeType: string) => {
      pending++
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('limit', () => fail(tooLarge(limits)))
      stream.on('end', () => {
        pending--
        if (!stream.truncated) add(name, new UploadFile(filename, mimeType, Buffer.concat(chunks)))
        done()
      })
    },
  )
  parser.on('filesLimit', () => fail(tooMany('files')))
  parser.on('fieldsLimit', () => fail(tooMany('fields')))
  parser.on('partsLimit', () => fail(tooMany('parts')))
  parser.on('error', fail)
  parser.on('finish', () => {
    finished = true
    done()
  })
  return future
}

/** The form as an async iterable of parts, in order; a file's stream must be read before the next part. */
export async function* streamMultipart(ex: Exchange, limits: MultipartLimits): AsyncGenerator<Part, void, undefined> {
  checkDeclared(ex, limits)
  const busboy = busboyModule.get() ?? (await busboyModule.load())
  const queue: Part[] = []
  let error: unknown
  let finished = false
  let wake: (() => void) | undefined
  const notify = () => {
    wake?.()
    wake = undefined
  }
  let reading: Readable | undefined // the file the handler may be reading: it fails too, or it would stall
  const refuse = (e: unknown) => {
    error ??= e
    if (reading !== undefined && !reading.readableEnded) reading.destroy(error as Error)
    notify()
  }
  const { parser, source } = start(busboy, ex, limits, refuse)
  parser.on('field', (name: string, value: string) => {
    queue.push({ kind: 'field', name, value })
    notify()
  })
  parser.on('file', (name: string, stream: Readable, filename: string, _enc: string, mimeType: string) => {
    stream.on('limit', () => {
      error = tooLarge(limits)
      stream.destroy(error as Error)
      notify()
    })
    reading = stream
    queue.push({ kind: 'file', name, filename, mimeType, stream })
    notify()
  })
  parser.on('filesLimit', () => refuse(tooMany('files')))
  parser.on('fieldsLimit', () => refuse(tooMany('fields')))
  parser.on('partsLimit', () => refuse(tooMany('parts')))
  parser.on('error', (e: unknown) => refuse(new HTTPException(400, `Malformed multipart body: ${String(e)}`)))
  parser.on('finish', () => {
    finished = true
    notify()
  })
  let previous: FilePart | undefined
  try {
    for (;;) {
      if (previous !== undefined && !previous.stream.readableEnded) previous.stream.resume() // unread file: drain it
      previous = undefined
      while (queue.length === 0 && !finished && error === undefined) await new Promise<void>((r) => (wake = r))
      if (error !== undefined) throw error
      const part = queue.shift()
      if (part === undefined) return
      if (part.kind === 'file') previous = part
      yield part
    }
  } finally {
    if (!finished) {
      source.unpipe(parser)
      source.resume()
    }
  }
}
