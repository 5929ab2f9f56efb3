import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Router } from '../src/index.ts'

// Each property runs hundreds of route sets, compiling a matcher for each: CPU-bound, 0.4-5 s on an idle
// machine and several times that when every package's tests share two cores. Nothing here waits on a
// clock; the timeout only catches a hang, so it leaves room for the slowest machine.
const SLOW = { timeout: 180_000 }

// Route sets over a small vocabulary, so patterns share prefixes (radix splits) and positions
// (priority). A param's name is its kind, its position and a letter drawn per route, so routes name
// one position in different ways, and each must get its own names back.
type Seg = { kind: 'static'; word: string } | { kind: 'str' | 'int' | 'bigint' | 'wild'; tag: string }
const WORDS = ['a', 'ab', 'abc', 'b', 'b2', 'cd'] // no word starts with 'v' or is all digits

const tag = fc.constantFrom('x', 'y')
const param = (kind: 'str' | 'int' | 'bigint' | 'wild') => tag.map((t): Seg => ({ kind, tag: t }))
const segment = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...WORDS).map((word): Seg => ({ kind: 'static', word })) },
  param('str'),
  param('int'),
  param('bigint'),
)
const route = (wild: boolean) =>
  fc
    .tuple(fc.array(segment, { minLength: 0, maxLength: 4 }), wild ? fc.option(param('wild')) : fc.constant(null))
    .map(([segs, tail]) => (tail !== null ? [...segs, tail] : segs))

const name = (s: Seg, i: number) => (s.kind === 'static' ? s.word : `${s.kind}${i}${s.tag}`)
function pattern(segs: readonly Seg[], named = true): string {
  const parts = segs.map((s, i) => {
    const n = named ? name(s, i) : ''
    if (s.kind === 'static') return s.word
    if (s.kind === 'wild') return `*${n}`
    return s.kind === 'str' ? `{${n}}` : `{${n}:${s.kind}}`
  })
  return `/${parts.join('/')}`
}
// routes that differ only in their param names are one route twice
const shape = (segs: readonly Seg[]) => pattern(segs, false)

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)
const fitsInt = (p: string) => /^[0-9]+$/.test(p) && BigInt(p) <= MAX_SAFE

const routeSet = (wild: boolean, compile: boolean) =>
  fc.uniqueArray(route(wild), { minLength: 1, maxLength: 25, selector: shape }).map((routes) => {
    const router = new Router<string>({ compile })
    for (const r of routes) router.add('GET', pattern(r), pattern(r))
    return { routes, router }
  })

// str values start with 'v' (no static word does, nor any int) and may hold anything, encoded; bigint
// values are past 2^53 - 1, where no int route can take them
const strValue = fc.string({ unit: 'grapheme', maxLength: 8 }).map((s) => `v${s}`)
const intValue = fc.oneof(fc.nat(), fc.maxSafeNat())
const bigintValue = fc.bigInt({ min: MAX_SAFE + 1n, max: 2n ** 100n })
const value = (s: Seg) => (s.kind === 'int' ? intValue : s.kind === 'bigint' ? bigintValue : strValue)
// path segments that sit on either side of an int's limit
const digits = fc.oneof(
  intValue.map(String),
  fc.constantFrom('9007199254740991', '09007199254740991', '9007199254740992', '123456789012345678901'),
)

describe.each([
  { mode: 'compiled', compile: true },
  { mode: 'interpreted', compile: false },
])('properties ($mode)', SLOW, ({ compile }) => {
  it('matches every route, instantiated with random values, to itself with exactly those params', () => {
    const setWithValues = routeSet(false, compile).chain(({ routes, router }) =>
      fc.record({
        router: fc.constant(router),
        instances: fc.tuple(...routes.map((segs) => fc.tuple(fc.constant(segs), fc.tuple(...segs.map(value))))),
      }),
    )
    fc.assert(
      fc.property(setWithValues, ({ router, instances }) => {
        for (const [segs, values] of instances) {
          const expected: Record<string, string | number | bigint> = {}
          const path = `/${segs
            .map((s, i) => {
              if (s.kind === 'static') return s.word
              expected[name(s, i)] = values[i]!
              return encodeURIComponent(String(values[i]))
            })
            .join('/')}`
          const m = router.match('GET', path)
          expect(m.status, path).toBe(200)
          if (m.status === 200) {
            expect(m.route.pattern, path).toBe(pattern(segs))
            expect({ ...m.params }, path).toEqual(expected)
          }
        }
      }),
      { numRuns: 150 },
    )
  })

  // The reference: among the routes whose segments all fit, the first by rank, position by position.
  const RANK = { static: 0, int: 1, bigint: 2, str: 3, wild: 4 } as const
  function reference(routes: readonly (readonly Seg[])[], path: string): string | null {
    const parts = path.slice(1).split('/')
    const fitting = routes.filter((segs) => {
      if (segs.length === 0) return path === '/'
      const wild = segs.at(-1)?.kind === 'wild'
      const fixed = wild ? segs.length - 1 : segs.length
      if (wild ? parts.length < segs.length : parts.length !== segs.length) return false
      return segs.slice(0, fixed).every((s, i) => {
        const p = parts[i]!
        if (s.kind === 'static') return p === s.word
        if (s.kind === 'int') return fitsInt(p)
        return s.kind === 'bigint' ? /^[0-9]+$/.test(p) : p !== ''
      })
    })
    const ranks = (segs: readonly Seg[]) => segs.map((s) => RANK[s.kind])
    fitting.sort((x, y) => {
      const [a, b] = [ranks(x), ranks(y)]
      for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!
      return a.length - b.length
    })
    return fitting[0] === undefined ? null : pattern(fitting[0])
  }

  it('picks the same route as the priority rule static > int > bigint > str > catch-all, backtracking included', () => {
    const piece = fc.oneof(fc.constantFrom(...WORDS, '', 'v1', 'x'), digits)
    const paths = fc.array(
      fc.array(piece, { minLength: 0, maxLength: 6 }).map((p) => `/${p.join('/')}`),
      {
        minLength: 1,
        maxLength: 20,
      },
    )
    fc.assert(
      fc.property(routeSet(true, compile), paths, ({ routes, router }, list) => {
        for (const path of list) {
          const m = router.match('GET', path)
          const expected = reference(routes, path)
          expect(m.status === 200 ? m.route.pattern : null, path).toBe(expected)
        }
      }),
      { numRuns: 300 },
    )
  })

  it('answers a method no route has with 405 allowing exactly the methods that would match the path', () => {
    const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'] as const
    const withMethods = fc.uniqueArray(
      fc.tuple(route(true), fc.subarray(['GET', 'POST', 'PUT', 'DELETE'], { minLength: 1 })),
      { minLength: 1, maxLength: 25, selector: ([segs]) => shape(segs) },
    )
    const piece = fc.oneof(fc.constantFrom(...WORDS, 'v1', 'x'), digits)
    const paths = fc.array(
      fc.array(piece, { minLength: 0, maxLength: 5 }).map((p) => `/${p.join('/')}`),
      { minLength: 1, maxLength: 20 },
    )
    fc.assert(
      fc.property(withMethods, paths, (list, paths) => {
        const router = new Router<string>({ compile, trailingSlash: 'strict' })
        for (const [segs, methods] of list) router.add(methods, pattern(segs), pattern(segs))
        for (const path of paths) {
          const served = METHODS.filter((method) => router.match(method, path).status === 200)
          const m = router.match('PATCH', path)
          if (served.length === 0) expect(m.status, path).toBe(404)
          else
            expect(m, path).toEqual({ status: 405, allowed: [...served].sort(), allow: [...served].sort().join(', ') })
        }
      }),
      { numRuns: 300 },
    )
  })

  it('never throws on any path, and always answers one of the documented statuses', () => {
    const router = new Router<string>({ compile })
    for (const p of ['/', '/a/{x}', '/a/{x:int}/b', '/f/{n}.{e}', '/u/{u:uuid}', '/s/*', '/{x:float}/z']) {
      router.add('GET', p, p)
    }
    const strict = new Router<string>({ trailingSlash: 'ignore', caseSensitive: false, compile })
    for (const r of router.routes()) strict.add(r.method, r.pattern, r.payload)
    const chars = fc.constantFrom('/', '%', '?', '#', 'a', '1', '.', '-', 'é', '\u{1F600}', '2F', 'C3', 'zz', ' ')
    const path = fc.oneof(
      fc.array(chars, { maxLength: 30 }).map((c) => `/${c.join('')}`),
      fc.string({ unit: 'binary' }),
    )
    fc.assert(
      fc.property(path, fc.constantFrom('GET', 'POST', 'HEAD', 'BREW'), (p, method) => {
        for (const r of [router, strict]) {
          const m = r.match(method, p)
          expect([200, 400, 404, 405, 414]).toContain(m.status)
          if (m.status === 200) expect(typeof m.params).toBe('object')
          if (m.status === 404) expect(m.redirect === null || typeof m.redirect === 'string').toBe(true)
        }
      }),
      { numRuns: 2000 },
    )
  })
})

// The compiled matcher answers misses from flags its walk sets (the slash-toggled path would match, the
// walk read a '%' where a decoded char could lead elsewhere); the interpreter works each answer out by
// walking again. They must agree on every answer, redirects and 405s included.
describe('compiled and interpreted routers', SLOW, () => {
  const answer = (m: ReturnType<Router<string>['match']>) => {
    switch (m.status) {
      case 200:
        return { status: 200, pattern: m.route.pattern, params: { ...m.params } }
      case 404:
        return { status: 404, redirect: m.redirect }
      case 405:
        return { status: 405, allow: m.allow }
      default:
        return { status: m.status, code: m.error.code }
    }
  }
  const tail = fc.constantFrom('', '/', '.txt', '-1')
  const routeWithTail = fc.tuple(route(true), tail, fc.constantFrom('GET', 'POST')).map(([segs, end, method]) => ({
    method,
    pattern: segs.at(-1)?.kind === 'wild' ? pattern(segs) : pattern(segs) + end,
    shape: segs.at(-1)?.kind === 'wild' ? shape(segs) : shape(segs) + end,
  }))
  const routes = fc.uniqueArray(routeWithTail, {
    minLength: 1,
    maxLength: 25,
    selector: (r) => `${r.method} ${r.shape}`,
  })
  const piece = fc.oneof(
    fc.constantFrom(...WORDS, '', 'v1', 'x', 'a.txt', '3-1', 'ab%2F', '%61b', 'a%62', '%zz', 'a%6', '%31'),
    digits,
  )
  const path = fc
    .tuple(fc.array(piece, { minLength: 0, maxLength: 5 }), fc.constantFrom('', '/', '?q=1', '/?q=/', '#f'))
    .map(([p, end]) => `/${p.join('/')}${end}`)

  it.each(['redirect', 'strict', 'ignore'] as const)('agree on every answer (trailingSlash %s)', (trailingSlash) => {
    fc.assert(
      fc.property(routes, fc.array(path, { minLength: 1, maxLength: 20 }), (list, paths) => {
        const [compiled, interpreted] = [true, false].map((compile) => {
          const router = new Router<string>({ compile, trailingSlash })
          for (const r of list) router.add(r.method, r.pattern, r.pattern)
          return router
        })
        for (const p of paths) {
          for (const method of ['GET', 'POST', 'HEAD']) {
            expect(answer(compiled!.match(method, p)), `${method} ${p}`).toEqual(answer(interpreted!.match(method, p)))
          }
        }
      }),
      { numRuns: 400 },
    )
  })
})

// The walk reads a raw path and decodes it only when it reaches an escape: an escape it never reaches
// cannot change the answer. Both halves of that, for both walkers.
describe.each([
  { mode: 'compiled', compile: true },
  { mode: 'interpreted', compile: false },
])('escapes ($mode)', SLOW, ({ compile }) => {
  const answer = (m: ReturnType<Router<string>['match']>) =>
    m.status === 200 ? { status: 200, pattern: m.route.pattern, params: { ...m.params } } : { status: m.status }
  const encoded = (c: string) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`
  // a path over the routes' vocabulary, and which of its chars to write as escapes
  const plainPath = fc
    .array(fc.oneof(fc.constantFrom(...WORDS, 'v1', 'x'), intValue.map(String)), { minLength: 1, maxLength: 5 })
    .map((segs) => `/${segs.join('/')}`)
  const escaped = plainPath.chain((plain) =>
    fc.record({
      plain: fc.constant(plain),
      which: fc.array(fc.boolean(), { minLength: plain.length, maxLength: plain.length }),
    }),
  )

  it('answers a path written with escapes of plain chars as the plain path', () => {
    fc.assert(
      fc.property(routeSet(true, compile), fc.array(escaped, { minLength: 1, maxLength: 10 }), ({ router }, paths) => {
        for (const { plain, which } of paths) {
          const raw = [...plain].map((c, i) => (which[i] && c !== '/' ? encoded(c) : c)).join('')
          expect(answer(router.match('GET', raw)), raw).toEqual(answer(router.match('GET', plain)))
        }
      }),
      { numRuns: 300 },
    )
  })

  it('answers 400 for a malformed escape the walk reaches, and otherwise as if it were a valid one', () => {
    const withBad = fc.record({ plain: plainPath, at: fc.nat(), bad: fc.constantFrom('%zz', '%z', '%g1') })
    const seen = { rejected: 0, missed: 0 }
    fc.assert(
      fc.property(routeSet(true, compile), fc.array(withBad, { minLength: 1, maxLength: 10 }), ({ router }, paths) => {
        for (const { plain, at, bad } of paths) {
          const cut = 1 + (at % plain.length)
          const [head, rest] = [plain.slice(0, cut), plain.slice(cut)]
          const m = router.match('GET', head + bad + rest)
          if (m.status === 400) {
            seen.rejected++
            continue
          }
          seen.missed++
          // a match reads the whole path, so it would have reached the escape
          expect(m.status, head + bad + rest).not.toBe(200)
          expect(answer(m), head + bad + rest).toEqual(answer(router.match('GET', `${head}%7E${rest}`)))
        }
      }),
      { numRuns: 300 },
    )
    // both answers occur: neither "always 400" nor "never 400" passes
    expect(seen.rejected).toBeGreaterThan(0)
    expect(seen.missed).toBeGreaterThan(0)
  })
})
