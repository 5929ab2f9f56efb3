import { describe, expect, it } from 'vitest'
import { type MatchResult, Router, type RouterOptions } from '../src/index.ts'

// Every matching rule runs over both the compiled tree and the interpreter (hono's shared-suite idea).
const MODES = [
  { mode: 'compiled', compile: true },
  { mode: 'interpreted', compile: false },
] as const

function found<T>(m: MatchResult<T>) {
  if (m.status !== 200) throw new Error(`expected a match, got ${m.status}`)
  return { payload: m.route.payload, params: { ...m.params } }
}

describe.each(MODES)('match ($mode)', ({ compile }) => {
  const router = (options: RouterOptions = {}) => new Router<string>({ compile, ...options })

  describe('patterns', () => {
    it('matches static paths exactly', () => {
      const r = router()
      r.add('GET', '/', 'root')
      r.add('GET', '/user', 'user')
      r.add('GET', '/user/comments', 'comments')
      expect(found(r.match('GET', '/'))).toEqual({ payload: 'root', params: {} })
      expect(found(r.match('GET', '/user'))).toEqual({ payload: 'user', params: {} })
      expect(found(r.match('GET', '/user/comments'))).toEqual({ payload: 'comments', params: {} })
      expect(r.match('GET', '/use').status).toBe(404)
      expect(r.match('GET', '/user/comment').status).toBe(404)
    })

    it('captures {name} params up to the next slash', () => {
      const r = router()
      r.add('GET', '/users/{id}/posts/{slug}', 'post')
      expect(found(r.match('GET', '/users/42/posts/hello-world'))).toEqual({
        payload: 'post',
        params: { id: '42', slug: 'hello-world' },
      })
      expect(r.match('GET', '/users/42/posts').status).toBe(404)
    })

    it('converts int, float and uuid params and skips routes whose value does not convert', () => {
      const r = router()
      r.add('GET', '/n/{v:int}', 'int')
      r.add('GET', '/f/{v:float}', 'float')
      r.add('GET', '/u/{v:uuid}', 'uuid')
      expect(found(r.match('GET', '/n/0042'))).toEqual({ payload: 'int', params: { v: 42 } })
      expect(found(r.match('GET', '/f/3.25'))).toEqual({ payload: 'float', params: { v: 3.25 } })
      expect(found(r.match('GET', '/f/7'))).toEqual({ payload: 'float', params: { v: 7 } })
      const id = '123e4567-E89B-12d3-a456-426614174000'
      expect(found(r.match('GET', `/u/${id}`))).toEqual({ payload: 'uuid', params: { v: id } })
      for (const miss of ['/n/4x', '/n/-1', '/f/1.', '/f/.5', '/f/1.2.3', '/u/123e4567-e89b-12d3-a456-42661417400g']) {
        expect(r.match('GET', miss).status, miss).toBe(404)
      }
    })

    it('matches an int only when it is a safe integer, so the handler gets the number that was sent', () => {
      const r = router()
      r.add('GET', '/n/{v:int}', 'int')
      r.add('GET', '/at/{h:int}-{m:int}', 'time')
      expect(found(r.match('GET', '/n/9007199254740991')).params).toEqual({ v: 9007199254740991 })
      expect(found(r.match('GET', '/n/0009007199254740991')).params).toEqual({ v: 9007199254740991 })
      expect(found(r.match('GET', '/n/0000000000000000000042')).params).toEqual({ v: 42 })
      const unsafe = ['9007199254740992', '9007199254740993', '12345678901234567890', '9'.repeat(1000)]
      for (const digits of unsafe) {
        expect(r.match('GET', `/n/${digits}`).status, digits).toBe(404)
        expect(r.match('GET', `/at/1-${digits}`).status, digits).toBe(404)
      }
    })

    it('gives a typed param that does not fit to the next route that fits the path', () => {
      const r = router()
      r.add('GET', '/u/{id:int}', 'int')
      r.add('GET', '/u/{name}', 'name')
      expect(found(r.match('GET', '/u/9007199254740993'))).toEqual({
        payload: 'name',
        params: { name: '9007199254740993' },
      })
    })

    it('converts {x:bigint} params of any length to bigints, digits only as for int', () => {
      const r = router()
      r.add('GET', '/b/{v:bigint}', 'bigint')
      r.add('GET', '/r/{from:bigint}-{to:bigint}', 'range')
      expect(found(r.match('GET', '/b/42'))).toEqual({ payload: 'bigint', params: { v: 42n } })
      expect(found(r.match('GET', '/b/9007199254740993')).params).toEqual({ v: 9007199254740993n })
      expect(found(r.match('GET', `/b/${'9'.repeat(1000)}`)).params).toEqual({ v: BigInt('9'.repeat(1000)) })
      expect(found(r.match('GET', '/b/%34%32')).params).toEqual({ v: 42n })
      expect(found(r.match('GET', '/r/18446744073709551615-18446744073709551616')).params).toEqual({
        from: 18446744073709551615n,
        to: 18446744073709551616n,
      })
      for (const miss of ['/b/-1', '/b/+1', '/b/1.5', '/b/1e3', '/b/0x10', '/b/']) {
        expect(r.match('GET', miss).status, miss).toBe(404)
      }
    })

    it('tries an int route before a bigint route at the same place, and the bigint route for the rest', () => {
      const r = router()
      r.add('GET', '/items/{id:float}', 'float')
      r.add('GET', '/items/{id:bigint}', 'bigint')
      r.add('GET', '/items/{id:int}', 'int')
      expect(found(r.match('GET', '/items/7'))).toEqual({ payload: 'int', params: { id: 7 } })
      expect(found(r.match('GET', '/items/9007199254740993'))).toEqual({
        payload: 'bigint',
        params: { id: 9007199254740993n },
      })
      expect(found(r.match('GET', '/items/7.5'))).toEqual({ payload: 'float', params: { id: 7.5 } })
    })

    it('does not match a float that overflows to Infinity', () => {
      const r = router()
      r.add('GET', '/f/{v:float}', 'float')
      expect(found(r.match('GET', `/f/${'9'.repeat(300)}.5`)).params.v).toBe(Number(`${'9'.repeat(300)}.5`))
      expect(r.match('GET', `/f/${'9'.repeat(309)}`).status).toBe(404)
      expect(r.match('GET', `/f/${'9'.repeat(1000)}.5`).status).toBe(404)
    })

    it('matches the rest of the path with {rest:path}, *rest and *', () => {
      const r = router()
      r.add('GET', '/files/{rest:path}', 'path')
      r.add('GET', '/static/*', 'star')
      r.add('GET', '/assets/*file', 'named')
      expect(found(r.match('GET', '/files/a/b/c.txt'))).toEqual({ payload: 'path', params: { rest: 'a/b/c.txt' } })
      expect(found(r.match('GET', '/files/'))).toEqual({ payload: 'path', params: { rest: '' } })
      expect(found(r.match('GET', '/static/index.html'))).toEqual({ payload: 'star', params: { '*': 'index.html' } })
      expect(found(r.match('GET', '/assets/x/y'))).toEqual({ payload: 'named', params: { file: 'x/y' } })
      expect(r.match('GET', '/files').status).toBe(404)
    })

    it('splits a segment holding several params at its static text, the earlier params greedy', () => {
      const r = router()
      r.add('GET', '/files/{name}.{ext}', 'file')
      r.add('GET', '/at/{hour:int}-{minute:int}', 'time')
      r.add('GET', '/v{major:int}/items', 'versioned')
      r.add('GET', '/items/{id}:archive', 'action')
      expect(found(r.match('GET', '/files/report.final.pdf'))).toEqual({
        payload: 'file',
        params: { name: 'report.final', ext: 'pdf' },
      })
      expect(found(r.match('GET', '/at/09-30'))).toEqual({ payload: 'time', params: { hour: 9, minute: 30 } })
      expect(found(r.match('GET', '/v2/items'))).toEqual({ payload: 'versioned', params: { major: 2 } })
      expect(found(r.match('GET', '/items/7:archive'))).toEqual({ payload: 'action', params: { id: '7' } })
      expect(r.match('GET', '/files/noext').status).toBe(404)
      expect(r.match('GET', '/files/.pdf').status).toBe(404)
      expect(r.match('GET', '/at/9-x').status).toBe(404)
    })

    it('backs off a greedy param when a typed param after it would not convert', () => {
      const r = router()
      r.add('GET', '/r/{a}-{b:int}-{c}', 'range')
      expect(found(r.match('GET', '/r/x-1-y-2-z'))).toEqual({ payload: 'range', params: { a: 'x-1-y', b: 2, c: 'z' } })
      expect(found(r.match('GET', '/r/x-1-y-z'))).toEqual({ payload: 'range', params: { a: 'x', b: 1, c: 'y-z' } })
      expect(r.match('GET', '/r/x-y-z').status).toBe(404)
    })
  })

  describe('priority and backtracking', () => {
    const patterns = ['/items/{path:path}', '/items/{name}', '/items/{id:int}', '/items/new'] as const

    it.each([
      ['registered most general first', [...patterns]],
      ['registered most specific first', [...patterns].reverse()],
    ])('ranks static > typed > plain > catch-all when %s', (_, order) => {
      const r = router()
      for (const p of order) r.add('GET', p, p)
      expect(found(r.match('GET', '/items/new')).payload).toBe('/items/new')
      expect(found(r.match('GET', '/items/12')).payload).toBe('/items/{id:int}')
      expect(found(r.match('GET', '/items/bob')).payload).toBe('/items/{name}')
      expect(found(r.match('GET', '/items/a/b')).payload).toBe('/items/{path:path}')
    })

    it('returns to the next candidate when a branch fails deeper down', () => {
      const r = router()
      r.add('GET', '/a/b/c', 'static')
      r.add('GET', '/a/{x}/d', 'param')
      r.add('GET', '/a/{x:int}/e', 'typed')
      r.add('GET', '/a/*rest', 'wild')
      expect(found(r.match('GET', '/a/b/d'))).toEqual({ payload: 'param', params: { x: 'b' } })
      expect(found(r.match('GET', '/a/1/d'))).toEqual({ payload: 'param', params: { x: '1' } })
      expect(found(r.match('GET', '/a/1/e'))).toEqual({ payload: 'typed', params: { x: 1 } })
      expect(found(r.match('GET', '/a/b/x'))).toEqual({ payload: 'wild', params: { rest: 'b/x' } })
    })

    it('ranks a segment with static text above a plain param', () => {
      const r = router()
      r.add('GET', '/f/{any}', 'plain')
      r.add('GET', '/f/{name}.json', 'json')
      expect(found(r.match('GET', '/f/a.json')).payload).toBe('json')
      expect(found(r.match('GET', '/f/a.xml')).payload).toBe('plain')
    })
  })

  describe('methods', () => {
    it('keeps routes apart by method, custom methods included', () => {
      const r = router()
      r.add('GET', '/x', 'get')
      r.add('PURGE', '/x', 'purge')
      r.add(['PUT', 'PATCH'], '/x', 'write')
      expect(found(r.match('GET', '/x')).payload).toBe('get')
      expect(found(r.match('PURGE', '/x')).payload).toBe('purge')
      expect(found(r.match('PATCH', '/x')).payload).toBe('write')
    })

    it("serves every method from a '*' route unless the method has its own", () => {
      const r = router()
      r.add('*', '/any/{id}', 'any')
      r.add('DELETE', '/any/{id}', 'delete')
      expect(found(r.match('BREW', '/any/1')).payload).toBe('any')
      expect(found(r.match('GET', '/any/1')).payload).toBe('any')
      expect(found(r.match('DELETE', '/any/1')).payload).toBe('delete')
    })

    it('serves HEAD from GET unless HEAD is registered', () => {
      const r = router()
      r.add('GET', '/a', 'get-a')
      r.add('GET', '/b/{id}', 'get-b')
      r.add('HEAD', '/b/{id}', 'head-b')
      expect(found(r.match('HEAD', '/a')).payload).toBe('get-a')
      expect(found(r.match('HEAD', '/b/1')).payload).toBe('head-b')
    })

    it('answers 405 with the allowed methods when only the method is wrong', () => {
      const r = router()
      r.add('GET', '/users/{id}', 'get')
      r.add('POST', '/users/{id}', 'post')
      expect(r.match('DELETE', '/users/1')).toEqual({
        status: 405,
        allowed: ['GET', 'HEAD', 'POST'],
        allow: 'GET, HEAD, POST',
      })
      expect(r.match('DELETE', '/users').status).toBe(404)
    })

    it('keeps looking for a route with the method before answering 405', () => {
      const r = router()
      r.add('GET', '/u/{id:int}', 'typed-get')
      r.add('POST', '/u/{name}', 'plain-post')
      expect(found(r.match('POST', '/u/5')).payload).toBe('plain-post')
      expect(r.match('PUT', '/u/5')).toMatchObject({ status: 405, allowed: ['GET', 'HEAD', 'POST'] })
      expect(r.match('PUT', '/u/x')).toMatchObject({ status: 405, allowed: ['POST'] })
    })

    it('allows in a 405 every method that some route matching the path would serve', () => {
      const r = router()
      r.add('POST', '/items/special', 'special')
      r.add(['GET', 'PUT', 'DELETE'], '/items/{id}', 'item')
      expect(r.match('PATCH', '/items/special')).toEqual({
        status: 405,
        allowed: ['DELETE', 'GET', 'HEAD', 'POST', 'PUT'],
        allow: 'DELETE, GET, HEAD, POST, PUT',
      })
      expect(r.match('PATCH', '/items/7')).toMatchObject({ allow: 'DELETE, GET, HEAD, PUT' })
      expect(found(r.match('GET', '/items/special')).payload).toBe('item')
      // the same answer object each time: a repeated 405 allocates nothing
      expect(r.match('PATCH', '/items/special')).toBe(r.match('PATCH', '/items/special'))
    })

    it('joins in a 405 the methods of routes matching the path through every branch, catch-alls included', () => {
      const r = router()
      r.add('POST', '/a/b/{x}', 'post')
      r.add('GET', '/a/{y}/c', 'get')
      r.add('PURGE', '/a/{y:int}/{z}', 'purge')
      r.add('DELETE', '/a/*rest', 'delete')
      r.add('PUT', '/a/b/d', 'put')
      expect(r.match('PATCH', '/a/b/c')).toMatchObject({ allow: 'DELETE, GET, HEAD, POST' })
      expect(r.match('PATCH', '/a/1/c')).toMatchObject({ allow: 'DELETE, GET, HEAD, PURGE' })
      expect(r.match('PATCH', '/a/b/d')).toMatchObject({ allow: 'DELETE, POST, PUT' })
      expect(r.match('PATCH', '/a/x/y/z')).toMatchObject({ allow: 'DELETE' })
    })

    it('gives each route the param names it was registered with, where routes name one position differently', () => {
      const r = router()
      r.add('GET', '/users/{id}', 'user')
      r.add('GET', '/users/{user_id}/posts', 'posts')
      r.add('PUT', '/users/{uid}', 'save')
      r.add('GET', '/users/{user_id}/posts/{post_id}', 'post')
      r.add('GET', '/users/{id}/posts/{pid}:archive', 'archive')
      r.add('GET', '/files/*rest', 'files')
      r.add('POST', '/files/{file:path}', 'upload')
      r.add('GET', '/f/{name}.{ext}', 'file')
      r.add('GET', '/f/{stem}.{suffix}/meta', 'meta')
      expect(found(r.match('GET', '/users/7'))).toEqual({ payload: 'user', params: { id: '7' } })
      expect(found(r.match('PUT', '/users/7'))).toEqual({ payload: 'save', params: { uid: '7' } })
      expect(found(r.match('GET', '/users/7/posts'))).toEqual({ payload: 'posts', params: { user_id: '7' } })
      expect(found(r.match('GET', '/users/7/posts/9'))).toEqual({
        payload: 'post',
        params: { user_id: '7', post_id: '9' },
      })
      expect(found(r.match('GET', '/users/7/posts/9:archive'))).toEqual({
        payload: 'archive',
        params: { id: '7', pid: '9' },
      })
      expect(found(r.match('GET', '/files/a/b'))).toEqual({ payload: 'files', params: { rest: 'a/b' } })
      expect(found(r.match('POST', '/files/a/b'))).toEqual({ payload: 'upload', params: { file: 'a/b' } })
      expect(found(r.match('GET', '/f/a.txt'))).toEqual({ payload: 'file', params: { name: 'a', ext: 'txt' } })
      expect(found(r.match('GET', '/f/a.txt/meta'))).toEqual({ payload: 'meta', params: { stem: 'a', suffix: 'txt' } })
    })
  })

  describe('paths', () => {
    it('ignores the query string and the fragment', () => {
      const r = router()
      r.add('GET', '/s', 'static')
      r.add('GET', '/p/{id}', 'param')
      r.add('GET', '/w/*', 'wild')
      expect(found(r.match('GET', '/s?x=1')).payload).toBe('static')
      expect(found(r.match('GET', '/s#top')).payload).toBe('static')
      expect(found(r.match('GET', '/p/7?next=/a/b')).params).toEqual({ id: '7' })
      expect(found(r.match('GET', '/p/7#x?y')).params).toEqual({ id: '7' })
      expect(found(r.match('GET', '/w/a/b?c=/d')).params).toEqual({ '*': 'a/b' })
    })

    it('percent-decodes params exactly once and keeps an encoded slash inside its param', () => {
      const r = router()
      r.add('GET', '/p/{name}/x', 'param')
      r.add('GET', '/w/*', 'wild')
      expect(found(r.match('GET', '/p/a%2Fb/x')).params).toEqual({ name: 'a/b' })
      expect(found(r.match('GET', '/p/caf%C3%A9/x')).params).toEqual({ name: 'café' })
      expect(found(r.match('GET', '/p/100%2525/x')).params).toEqual({ name: '100%25' })
      expect(found(r.match('GET', '/p/%3F%23/x')).params).toEqual({ name: '?#' })
      expect(found(r.match('GET', '/w/a%2Fb/c')).params).toEqual({ '*': 'a/b/c' })
    })

    it('matches static text and typed params written with escapes', () => {
      const r = router()
      r.add('GET', '/café', 'unicode')
      r.add('GET', '/n/{v:int}', 'int')
      expect(found(r.match('GET', '/caf%C3%A9')).payload).toBe('unicode')
      expect(found(r.match('GET', '/caf%c3%a9')).payload).toBe('unicode')
      expect(found(r.match('GET', '/n/%34%32')).params).toEqual({ v: 42 })
    })

    it('answers 400 with a coded error for a malformed escape instead of throwing', () => {
      const r = router()
      r.add('GET', '/p/{name}', 'param')
      for (const bad of ['/p/%zz', '/p/%', '/p/%C3', '/p/a%2']) {
        const m = r.match('GET', bad)
        expect(m.status, bad).toBe(400)
        expect(m.status === 400 && m.error.code).toBe('ROUTER_MALFORMED_PATH')
      }
    })

    it('decodes a path only when the walk reaches an escape: a miss before it is a 404, even if malformed', () => {
      for (const caseSensitive of [true, false]) {
        const r = router({ caseSensitive })
        r.add('GET', '/p/{name}', 'param')
        r.add('GET', '/ab/c', 'static')
        r.add('POST', '/ab/d', 'post')
        expect(r.match('GET', '/nothing/%zz').status).toBe(404)
        expect(r.match('GET', '/ab/x/%zz').status).toBe(404)
        expect(r.match('GET', '/ab/%zz').status).toBe(400)
        expect(r.match('GET', '/%zz').status).toBe(400)
        expect(found(r.match('GET', '/%61b/c')).payload).toBe('static')
        expect(found(r.match('GET', '/a%62/%63')).payload).toBe('static')
        const denied = r.match('GET', '/ab/%64')
        expect(denied.status === 405 && denied.allow).toBe('POST')
      }
      const escaped = router()
      escaped.add('GET', '/100%', 'percent')
      expect(escaped.match('GET', '/x/%zz').status).toBe(400)
    })

    it('answers 414 for a path longer than maxPathLength', () => {
      const r = router({ maxPathLength: 16 })
      r.add('GET', '/{x}', 'x')
      expect(r.match('GET', `/${'a'.repeat(15)}`).status).toBe(200)
      const m = r.match('GET', `/${'a'.repeat(16)}`)
      expect(m.status === 414 && m.error.code).toBe('ROUTER_PATH_TOO_LONG')
    })

    it('does not let a param or a static route absorb an empty segment', () => {
      const r = router()
      r.add('GET', '/users/{id}/posts', 'posts')
      r.add('GET', '/a/b', 'ab')
      expect(r.match('GET', '/users//posts').status).toBe(404)
      expect(r.match('GET', '/a//b').status).toBe(404)
      expect(r.match('GET', '//').status).toBe(404)
      expect(r.match('GET', '').status).toBe(404)
    })

    it('matches very long paths and unicode params', () => {
      const r = router({ maxPathLength: 100_000 })
      r.add('GET', '/deep/*', 'deep')
      r.add('GET', '/u/{name}', 'name')
      const long = Array.from({ length: 5000 }, (_, i) => `s${i}`).join('/')
      expect(found(r.match('GET', `/deep/${long}`)).params).toEqual({ '*': long })
      expect(found(r.match('GET', '/u/日本語')).params).toEqual({ name: '日本語' })
    })
  })

  describe('trailing slash', () => {
    const routes = (r: Router<string>) => {
      r.add('GET', '/users', 'users')
      r.add('GET', '/docs/', 'docs')
      r.add('GET', '/items/{id}', 'item')
      return r
    }

    it('reports the slash-toggled path, query kept, when that one would match', () => {
      const r = routes(router())
      expect(r.match('GET', '/users/?page=2')).toMatchObject({ status: 404, redirect: '/users?page=2' })
      expect(r.match('GET', '/docs')).toMatchObject({ status: 404, redirect: '/docs/' })
      expect(r.match('GET', '/items/3/')).toMatchObject({ status: 404, redirect: '/items/3' })
      expect(r.match('GET', '/nothing/')).toMatchObject({ status: 404, redirect: null })
    })

    it('reports no redirect in strict mode', () => {
      const r = routes(router({ trailingSlash: 'strict' }))
      expect(r.match('GET', '/users/')).toMatchObject({ status: 404, redirect: null })
    })

    it('answers with the slash-toggled route in ignore mode', () => {
      const r = routes(router({ trailingSlash: 'ignore' }))
      expect(found(r.match('GET', '/users/')).payload).toBe('users')
      expect(found(r.match('GET', '/docs')).payload).toBe('docs')
      expect(found(r.match('GET', '/items/3/'))).toEqual({ payload: 'item', params: { id: '3' } })
      expect(r.match('GET', '/nothing/').status).toBe(404)
    })
  })

  it('compares static text case-insensitively when asked, keeping the params as sent', () => {
    const r = router({ caseSensitive: false })
    r.add('GET', '/Users/{Name}/Posts', 'posts')
    expect(found(r.match('GET', '/USERS/BoB/posts'))).toEqual({ payload: 'posts', params: { Name: 'BoB' } })
    expect(router().match('GET', '/users').status).toBe(404)
  })

  it('builds params once per match and returns the same object on every read', () => {
    const r = router()
    r.add('GET', '/p/{a}/{b}/{c}', 'three')
    const m = r.match('GET', '/p/1/2/3')
    expect(m.status === 200 && m.params).toBe(m.status === 200 && m.params)
    expect(found(m).params).toEqual({ a: '1', b: '2', c: '3' })
    expect(Object.getPrototypeOf(Object.getPrototypeOf(found(m).params))).toBeNull()
  })

  it('keeps the bounds of more than four params, and of params in paths of 32 KiB and more', () => {
    const r = router({ maxPathLength: 100_000 })
    r.add('GET', '/{a}/{b}/{c:int}/{d}/{e}/x/{f}', 'six')
    r.add('GET', '/long/{first}/*rest', 'long')
    expect(found(r.match('GET', '/1/2/3/4/5/x/6')).params).toEqual({ a: '1', b: '2', c: 3, d: '4', e: '5', f: '6' })
    const tail = `${'y'.repeat(40_000)}/end`
    expect(found(r.match('GET', `/long/${'a'.repeat(33_000)}/${tail}`)).params).toEqual({
      first: 'a'.repeat(33_000),
      rest: tail,
    })
  })

  it('sees routes added after the first match', () => {
    const r = router()
    r.add('GET', '/a/{x}', 'a')
    expect(r.match('GET', '/b/1').status).toBe(404)
    r.add('GET', '/b/{x}', 'b')
    expect(found(r.match('GET', '/b/1')).payload).toBe('b')
  })
})
