// Set-Cookie serialization (RFC 6265bis §4.1) with every attribute browsers honour, checked so that no name,
// value or attribute can carry a ';', a CR/LF or another cookie; and signed cookies (HMAC-SHA256 over the
// value, compared in constant time) with key rotation: sign with the first key, accept any.
import { createHmac, timingSafeEqual } from 'node:crypto'
import type { RequestContext } from './context.ts'

export interface CookieOptions {
  /** Seconds until the cookie expires; 0 or less expires it at once. */
  maxAge?: number
  expires?: Date
  /** Hosts the cookie is sent to (this host and its subdomains); omitted: this host only. */
  domain?: string
  /** @default '/' */
  path?: string
  secure?: boolean
  /** Hidden from `document.cookie`. */
  httpOnly?: boolean
  /** `'none'` needs `secure`. `true` means `'strict'`. */
  sameSite?: 'strict' | 'lax' | 'none' | true
  /** CHIPS: one cookie jar per top-level site; needs `secure`. */
  partitioned?: boolean
  priority?: 'low' | 'medium' | 'high'
  /** Turns the value into cookie octets. @default encodeURIComponent (what the request side decodes) */
  encode?: (value: string) => string
}

/** A cookie that cannot be written as asked (a bad name, value or attribute): a bug in the caller. */
export class CookieError extends TypeError {
  readonly code = 'HTTP_INVALID_COOKIE'
  constructor(message: string) {
    super(message)
    this.name = 'CookieError'
  }
}

// token (RFC 9110 §5.6.2): the characters a cookie name may hold
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
// cookie-octet (RFC 6265 §4.1.1): no CTLs, whitespace, DQUOTE, comma, semicolon or backslash
const COOKIE_VALUE = /^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*$/
// a host name or an IP address, optionally with the leading dot older servers send
const DOMAIN = /^\.?[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i
// path-value: any CHAR except CTLs and ';'
const PATH = /^[\x20-\x3A\x3C-\x7E]+$/

/** The Set-Cookie value for `name=value` with `options`; throws CookieError rather than write a broken one. */
export function serializeCookie(name: string, value: string, options: CookieOptions = {}): string {
  if (!TOKEN.test(name)) throw new CookieError(`Invalid cookie name ${JSON.stringify(name)}`)
  const encoded = (options.encode ?? encodeURIComponent)(value)
  if (!COOKIE_VALUE.test(encoded)) throw new CookieError(`Invalid value for cookie ${name}`)
  let out = `${name}=${encoded}`
  if (options.maxAge !== undefined) {
    if (!Number.isFinite(options.maxAge)) throw new CookieError(`maxAge of cookie ${name} must be a finite number`)
    out += `; Max-Age=${Math.max(0, Math.floor(options.maxAge))}`
  }
  if (options.expires !== undefined) {
    if (!(options.expires instanceof Date) || Number.isNaN(options.expires.getTime())) {
      throw new CookieError(`expires of cookie ${name} must be a valid Date`)
    }
    out += `; Expires=${options.expires.toUTCString()}`
  }
  if (options.domain !== undefined) {
    if (!DOMAIN.test(options.domain)) throw new CookieError(`Invalid domain for cookie ${name}`)
    out += `; Domain=${options.domain}`
  }
  const path = options.path ?? '/'
  if (!PATH.test(path)) throw new CookieError(`Invalid path for cookie ${name}`)
  out += `; Path=${path}`
  if (options.secure) out += '; Secure'
  if (options.httpOnly) out += '; HttpOnly'
  if (options.sameSite !== undefined) out += `; SameSite=${sameSite(name, options)}`
  if (options.partitioned) {
    if (!options.secure) throw new CookieError(`Partitioned cookie ${name} needs secure: true`)
    out += '; Partitioned'
  }
  if (options.priority !== undefined) out += `; Priority=${priority(name, options.priority)}`
  checkPrefix(name, options, path)
  return out
}

function sameSite(name: string, options: CookieOptions): string {
  switch (options.sameSite) {
    case true:
    case 'strict':
      return 'Strict'
    case 'lax':
      return 'Lax'
    case 'none':
      // browsers drop SameSite=None without Secure (RFC 6265bis §5.7 step 22)
      if (!options.secure) throw new CookieError(`SameSite=None cookie ${name} needs secure: true`)
      return 'None'
    default:
      throw new CookieError(`Invalid sameSite for cookie ${name}: ${String(options.sameSite)}`)
  }
}

function priority(name: string, value: string): string {
  if (value === 'low' || value === 'medium' || value === 'high') return value[0]!.toUpperCase() + value.slice(1)
  throw new CookieError(`Invalid priority for cookie ${name}: ${String(value)}`)
}

// RFC 6265bis §4.1.3: browsers refuse __Secure- without Secure, and __Host- unless also Path=/ and no Domain
function checkPrefix(name: string, options: CookieOptions, path: string): void {
  const lower = name.toLowerCase()
  if ((lower.startsWith('__secure-') || lower.startsWith('__host-')) && !options.secure) {
    throw new CookieError(`Cookie ${name} needs secure: true (its prefix says so)`)
  }
  if (lower.startsWith('__host-') && (options.domain !== undefined || path !== '/')) {
    throw new CookieError(`Cookie ${name} may have neither a domain nor a path other than '/'`)
  }
}

/** The Set-Cookie value that deletes `name`: empty, Max-Age=0 and an Expires in the past. */
export function deletionCookie(name: string, options: Omit<CookieOptions, 'maxAge' | 'expires'> = {}): string {
  return serializeCookie(name, '', { ...options, maxAge: 0, expires: new Date(0) })
}

/**
 * Sets a cookie on whatever answer the request gets, from a handler or dependency that returns a plain value
 * (FastAPI's `response.set_cookie`; Hono's `setCookie(c, …)`). Same checks as `Response.setCookie`.
 * @example
 * app.post('/login', ({ request }) => { setCookie(request, 'sid', signer.sign(id), { httpOnly: true }); return { ok: true } })
 */
export function setCookie(request: RequestContext, name: string, value: string, options?: CookieOptions): void {
  appendSetCookie(request.responseHeaders, serializeCookie(name, value, options))
}

/** Deletes a cookie (empty value, Max-Age=0) on whatever answer the request gets. */
export function deleteCookie(
  request: RequestContext,
  name: string,
  options?: Omit<CookieOptions, 'maxAge' | 'expires'>,
): void {
  appendSetCookie(request.responseHeaders, deletionCookie(name, options))
}

/** Appends to a headers object's set-cookie list, whatever the case its key was written in. */
export function appendSetCookie(headers: Record<string, string | number | readonly string[]>, cookie: string): void {
  let key = 'set-cookie'
  for (const k in headers) if (k.toLowerCase() === 'set-cookie') key = k
  const prev = headers[key]
  headers[key] = prev === undefined ? [cookie] : Array.isArray(prev) ? [...prev, cookie] : [String(prev), cookie]
}

export type SignedValue =
  | { valid: true; value: string; renew: boolean }
  | { valid: false; value: undefined; renew: false }

const INVALID: SignedValue = Object.freeze({ valid: false, value: undefined, renew: false })

/**
 * Signs cookie values with HMAC-SHA256 as `value.signature` (base64url). Pass several keys to rotate them:
 * the first signs, any of them verifies, and `unsign` says `renew: true` when an older key matched so the
 * cookie can be set again under the current one.
 * @example
 * const signer = new CookieSigner([process.env.COOKIE_KEY!, process.env.OLD_COOKIE_KEY!])
 * response.setCookie('uid', signer.sign(user.id), { httpOnly: true })
 * const uid = signer.unsign(request.cookies.uid) // { valid, value, renew }
 */
export class CookieSigner {
  readonly #keys: readonly (string | Buffer)[]

  constructor(keys: string | Buffer | readonly (string | Buffer)[]) {
    const list = typeof keys === 'string' || Buffer.isBuffer(keys) ? [keys] : [...keys]
    if (list.length === 0) throw new CookieError('CookieSigner needs at least one key')
    for (const key of list) {
      if (key.length < 16)
        throw new CookieError('A cookie signing key needs at least 16 characters (32+ random bytes advised)')
    }
    this.#keys = list
  }

  /** `value.signature`, signed with the first key. */
  sign(value: string): string {
    return `${value}.${mac(this.#keys[0]!, value)}`
  }

  /** Checks a signed value against every key in constant time per key. */
  unsign(signed: string | undefined): SignedValue {
    if (typeof signed !== 'string') return INVALID
    const dot = signed.lastIndexOf('.')
    if (dot === -1) return INVALID
    const value = signed.slice(0, dot)
    const given = Buffer.from(signed.slice(dot + 1))
    for (let i = 0; i < this.#keys.length; i++) {
      const expected = Buffer.from(mac(this.#keys[i]!, value))
      if (given.length === expected.length && timingSafeEqual(given, expected)) {
        return { valid: true, value, renew: i > 0 }
      }
    }
    return INVALID
  }
}

function mac(key: string | Buffer, value: string): string {
  return createHmac('sha256', key).update(value).digest('base64url')
}
