// The four scenarios every server answers identically: what is requested, what must come back, which
// requests must be refused (so validation provably runs), and the data and helpers the servers share.
import { gzipSync } from 'node:zlib'
import { z } from 'zod'

export interface Probe {
  method: 'GET' | 'POST'
  path: string
  headers: Record<string, string>
  body?: string
}

export interface Scenario extends Probe {
  name: string
  title: string
  expect: { status: number; json: unknown; encoding?: 'gzip' }
  /** Variants of the request that must get the same kind of answer (e.g. no Accept-Encoding → identity). */
  also: { probe: Probe; status: number; json: unknown; encoding?: 'gzip' }[]
  /** Requests that must be refused with a 4xx: proves the validation runs. */
  invalid: Probe[]
}

// --- hello world --------------------------------------------------------------------------------

export const HELLO = { hello: 'world' } as const

// --- GET /users/{id}?limit=…&sort=…: id a non-negative integer (digits), limit 1..100, sort an enum

export const SORTS = ['name', 'created'] as const
export const LIMIT_MIN = 1
export const LIMIT_MAX = 100

/** For frameworks whose router hands over the id as a string (Hono, Express). */
export const UserParams = z.object({
  id: z
    .string()
    .regex(/^[0-9]+$/)
    .transform(Number),
})
export const UserQuery = z.object({
  limit: z.coerce.number().int().min(LIMIT_MIN).max(LIMIT_MAX),
  sort: z.enum(SORTS),
})

// --- POST /items: a ~200-byte JSON body, validated, echoed with an id under 201 ----------------------

export const CURRENCIES = ['EUR', 'USD', 'GBP'] as const

export const Item = z.object({
  name: z.string().min(1).max(100),
  price: z.number().positive(),
  currency: z.enum(CURRENCIES),
  quantity: z.number().int().min(1).max(1000),
  tags: z.array(z.string().min(1).max(32)).max(10),
  description: z.string().max(500),
})
export type Item = z.infer<typeof Item>

export const ITEM: Item = {
  name: 'Mechanical keyboard',
  price: 129.99,
  currency: 'EUR',
  quantity: 2,
  tags: ['electronics', 'keyboards', 'usb-c'],
  description: 'Tenkeyless, hot-swappable switches, PBT keycaps, a detachable braided USB-C cable.',
}

/** What POST /items answers: the validated item with its new id. */
export function created(item: Item): { id: number } & Item {
  return {
    id: 1,
    name: item.name,
    price: item.price,
    currency: item.currency,
    quantity: item.quantity,
    tags: item.tags,
    description: item.description,
  }
}

// --- GET /catalog: ~10 KB of JSON, gzip-compressed when the client accepts it ------------------------

export const CATALOG = Array.from({ length: 46 }, (_, i) => ({
  id: i + 1,
  sku: `SKU-${String(100000 + i * 7919).padStart(8, '0')}`,
  name: `Product number ${i + 1}`,
  price: Math.round((9.99 + i * 3.37) * 100) / 100,
  inStock: i % 3 !== 0,
  tags: ['catalog', i % 2 === 0 ? 'even' : 'odd', `group-${i % 5}`],
  description: `A fine product, the ${i + 1}th of the catalog, with a description long enough to matter.`,
}))

/** True when Accept-Encoding lists gzip (or *) with a non-zero q-value. */
export function acceptsGzip(header: string | undefined): boolean {
  if (header === undefined) return false
  for (const part of header.split(',')) {
    const semi = part.indexOf(';')
    const coding = (semi === -1 ? part : part.slice(0, semi)).trim().toLowerCase()
    if (coding !== 'gzip' && coding !== 'x-gzip' && coding !== '*') continue
    const q = semi === -1 ? undefined : /q=([0-9.]+)/.exec(part.slice(semi))?.[1]
    if (q === undefined || Number(q) > 0) return true
  }
  return false
}

export interface Compressed {
  body: Buffer<ArrayBuffer>
  headers: Record<string, string>
}

/**
 * The work of GET /catalog for the peers, which compress by hand (no global compression middleware: it
 * would tax every route): serialize, then gzip with node:zlib at level 6 when accepted. @fasterapi/http
 * does the same through its own `compression` option (gzip level 6 too).
 */
export function catalogResponse(acceptEncoding: string | undefined): Compressed {
  const json = JSON.stringify(CATALOG)
  if (acceptsGzip(acceptEncoding)) {
    return {
      body: gzipSync(json, { level: 6 }),
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', vary: 'accept-encoding' },
    }
  }
  return { body: Buffer.from(json), headers: { 'content-type': 'application/json', vary: 'accept-encoding' } }
}

// --- the scenarios ------------------------------------------------------------------------------------

const JSON_HEADERS = { 'content-type': 'application/json' }
// gzip alone: every server answers with the same encoding (ours would prefer zstd or br when offered)
const GZIP = { 'accept-encoding': 'gzip' }

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'hello',
    title: 'hello-world JSON',
    method: 'GET',
    path: '/',
    headers: {},
    expect: { status: 200, json: HELLO },
    also: [],
    invalid: [],
  },
  {
    name: 'users',
    title: 'GET /users/{id} (param + query validation)',
    method: 'GET',
    path: '/users/42?limit=10&sort=name',
    headers: {},
    expect: { status: 200, json: { id: 42, limit: 10, sort: 'name' } },
    also: [
      {
        probe: { method: 'GET', path: '/users/7?sort=created&limit=100', headers: {} },
        status: 200,
        json: { id: 7, limit: 100, sort: 'created' },
      },
    ],
    invalid: [
      { method: 'GET', path: '/users/abc?limit=10&sort=name', headers: {} },
      { method: 'GET', path: '/users/42?limit=0&sort=name', headers: {} },
      { method: 'GET', path: '/users/42?limit=10&sort=price', headers: {} },
      { method: 'GET', path: '/users/42?sort=name', headers: {} },
    ],
  },
  {
    name: 'items',
    title: 'POST /items (validated ~200-byte JSON body)',
    method: 'POST',
    path: '/items',
    headers: JSON_HEADERS,
    body: JSON.stringify(ITEM),
    expect: { status: 201, json: created(ITEM) },
    also: [],
    invalid: [
      { method: 'POST', path: '/items', headers: JSON_HEADERS, body: JSON.stringify({ ...ITEM, price: -1 }) },
      { method: 'POST', path: '/items', headers: JSON_HEADERS, body: JSON.stringify({ ...ITEM, currency: 'XXX' }) },
      { method: 'POST', path: '/items', headers: JSON_HEADERS, body: JSON.stringify({ ...ITEM, quantity: 1.5 }) },
      { method: 'POST', path: '/items', headers: JSON_HEADERS, body: '{"name": "broken' },
    ],
  },
  {
    name: 'catalog',
    title: 'GET /catalog (10 KB JSON, gzip)',
    method: 'GET',
    path: '/catalog',
    headers: GZIP,
    expect: { status: 200, json: CATALOG, encoding: 'gzip' },
    also: [{ probe: { method: 'GET', path: '/catalog', headers: {} }, status: 200, json: CATALOG }],
    invalid: [],
  },
]
