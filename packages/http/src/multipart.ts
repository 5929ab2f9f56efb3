// multipart/form-data (RFC 7578) on @fastify/busboy: streamed part by part to the handler, or collected
// into fields and in-memory files when the route validates the form with a schema.
import type { Readable } from 'node:stream'
import { Future } from '@fasterapi/futures'
import { Busboy, type BusboyInstance } from '@fastify/busboy'
import { HTTPException } from './errors.ts'
import type { Exchange } from './exchange.ts'

export interface MultipartLimits {
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

function start(ex: Exchange, limits: MultipartLimits) {
  let parser: BusboyInstance
  try {
    parser = Busboy({
      headers: ex.headers as { 'content-type': string },
      limits: { fileSize: limits.fileSize, files: limits.files ?? 10, fields: limits.fields ?? 1000, parts: 2000 },
    })
  } catch (error) {
    throw new HTTPException(400, `Malformed multipart request: ${(error as Error).message}`)
  }
  const source = ex.bodyStream()
  source.pipe(parser)
  return { parser, source }
}

const tooLarge = (limits: MultipartLimits) =>
  new HTTPException(413, `An uploaded file is larger than ${limits.fileSize} bytes`, { connection: 'close' })
const tooMany = (what: string) => new HTTPException(413, `Too many ${what} in the form`, { connection: 'close' })

/** The whole form: fields as strings, files as UploadFile; repeated names collect into arrays. */
export function readMultipart(ex: Exchange, limits: MultipartLimits): Future<FormData> {
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
  const { parser, source } = start(ex, limits)
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
  parser.on('error', fail)
  parser.on('finish', () => {
    finished = true
    done()
  })
  return future
}

/** The form as an async iterable of parts, in order; a file's stream must be read before the next part. */
export async function* streamMultipart(ex: Exchange, limits: MultipartLimits): AsyncGenerator<Part, void, undefined> {
  const { parser, source } = start(ex, limits)
  const queue: Part[] = []
  let error: unknown
  let finished = false
  let wake: (() => void) | undefined
  const notify = () => {
    wake?.()
    wake = undefined
  }
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
    queue.push({ kind: 'file', name, filename, mimeType, stream })
    notify()
  })
  parser.on('filesLimit', () => {
    error = tooMany('files')
    notify()
  })
  parser.on('error', (e: unknown) => {
    error = new HTTPException(400, `Malformed multipart body: ${String(e)}`)
    notify()
  })
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
