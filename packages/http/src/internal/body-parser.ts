// Turns the raw body into a value by its Content-Type: JSON (poisoning-safe), urlencoded forms, text,
// or bytes. Anything else is refused with 415 before a byte of it is interpreted.
import { HTTPException, RequestValidationError } from '../errors.ts'
import { parseQuery } from './query.ts'
import { PrototypePoisoningError, safeJsonParse } from './safe-json.ts'

export type BodyKind = 'json' | 'form' | 'multipart' | 'text' | 'bytes'

const utf8 = new TextDecoder('utf-8', { fatal: true })

export function mediaType(contentType: string | undefined): string {
  if (contentType === undefined) return ''
  const semi = contentType.indexOf(';')
  return (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase()
}

function kindOf(type: string): BodyKind | undefined {
  if (type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'))) return 'json'
  if (type === 'application/x-www-form-urlencoded') return 'form'
  if (type === 'multipart/form-data') return 'multipart'
  if (type.startsWith('text/')) return 'text'
  if (type === 'application/octet-stream') return 'bytes'
  return undefined
}

function decodeText(raw: Buffer): string {
  try {
    return utf8.decode(raw)
  } catch {
    throw new HTTPException(400, 'Request body is not valid UTF-8')
  }
}

/** `accepted` lists what the route takes; an empty body parses to `undefined`. */
export function parseBody(raw: Buffer, contentType: string | undefined, accepted: readonly BodyKind[]): unknown {
  if (raw.length === 0) return undefined
  const type = mediaType(contentType)
  const kind = type === '' ? accepted[0] : kindOf(type)
  // multipart never reaches here: the route streams or collects it before any buffering
  if (kind === undefined || kind === 'multipart' || !accepted.includes(kind)) {
    throw new HTTPException(
      415,
      `Unsupported media type ${JSON.stringify(type || 'none')}; expected ${accepted.join(', ')}`,
    )
  }
  switch (kind) {
    case 'json': {
      const text = decodeText(raw)
      try {
        return safeJsonParse(text)
      } catch (error) {
        if (error instanceof PrototypePoisoningError) throw new HTTPException(400, error.message)
        throw new RequestValidationError([
          { type: 'json_invalid', loc: ['body'], msg: `JSON decode error: ${(error as Error).message}` },
        ])
      }
    }
    case 'form':
      return parseQuery(decodeText(raw))
    case 'text':
      return decodeText(raw)
    case 'bytes':
      return raw
  }
}
