import { describe, expect, it } from 'vitest'
import { DuplicateRouteError, InvalidPatternError, Router, RouterError } from '../src/index.ts'

describe('registration', () => {
  it('lists every route with its payload, name and metadata, in registration order', () => {
    const r = new Router<string>()
    r.add('GET', '/users/{id:int}', 'get-user', { name: 'user', meta: { tag: 'users' } })
    r.add(['PUT', 'PATCH'], '/users/{id:int}', 'write-user')
    expect(
      r.routes().map(({ method, pattern, payload, name, meta, paramNames }) => ({
        method,
        pattern,
        payload,
        name,
        meta,
        paramNames,
      })),
    ).toEqual([
      {
        method: 'GET',
        pattern: '/users/{id:int}',
        payload: 'get-user',
        name: 'user',
        meta: { tag: 'users' },
        paramNames: ['id'],
      },
      {
        method: 'PUT',
        pattern: '/users/{id:int}',
        payload: 'write-user',
        name: undefined,
        meta: {},
        paramNames: ['id'],
      },
      {
        method: 'PATCH',
        pattern: '/users/{id:int}',
        payload: 'write-user',
        name: undefined,
        meta: {},
        paramNames: ['id'],
      },
    ])
  })

  it('rejects the same method and pattern twice, naming the route', () => {
    const r = new Router()
    r.add('GET', '/a/{x}', 1)
    let error: unknown
    try {
      r.add(['POST', 'GET'], '/a/{x}', 2)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(DuplicateRouteError)
    expect(error).toMatchObject({ code: 'ROUTER_DUPLICATE_ROUTE', method: 'GET', pattern: '/a/{x}' })
    // the failed call registered nothing, not even its other method
    expect(r.match('POST', '/a/1').status).toBe(405)
  })

  it('rejects a method named twice in one call', () => {
    const r = new Router()
    expect(() => r.add(['GET', 'POST', 'GET'], '/x', 1)).toThrow(DuplicateRouteError)
    expect(r.routes()).toEqual([])
  })

  it('accepts routes that name the param at one position differently, and lists each with its own names', () => {
    const r = new Router()
    r.add('GET', '/users/{id}', 1)
    const posts = r.add('GET', '/users/{user_id}/posts', 2)
    r.add('GET', '/files/*rest', 3)
    r.add('POST', '/files/{path:path}', 4)
    expect(posts.paramNames).toEqual(['user_id'])
    expect(r.routes().map((x) => x.paramNames)).toEqual([['id'], ['user_id'], ['rest'], ['path']])
  })

  it('still rejects the same method on two patterns that differ only in their param names', () => {
    const r = new Router()
    r.add('GET', '/users/{id}', 1)
    expect(() => r.add('GET', '/users/{uid}', 2)).toThrow(DuplicateRouteError)
    expect(() => r.add('GET', '/users/{uid}', 2)).toThrow(
      'Route GET /users/{uid} is already registered as GET /users/{id}',
    )
  })

  it('accepts params of different types at one position, each with its own name', () => {
    const r = new Router()
    r.add('GET', '/x/{id:int}', 'int')
    r.add('GET', '/x/{slug}', 'str')
    expect(r.match('GET', '/x/5')).toMatchObject({ status: 200, route: { payload: 'int' } })
  })

  it.each([
    ['users', "must start with '/'"],
    ['/a/{id', "'{' without '}'"],
    ['/a/id}', "'}' without '{'"],
    ['/a/{id:number}', "unknown param type 'number'"],
    ['/a/{1d}', 'is not a valid param name'],
    ['/a/{__proto__}', 'is not a valid param name'],
    ['/a/{x}/{x}', "param 'x' appears twice"],
    ['/a/{x}{y}', 'two params need static text between them'],
    ['/a/*rest/b', "'*' catch-all must be the last segment"],
    ['/a/{p:path}/b', 'must be the whole last segment'],
    ['/a/x{p:path}', 'must be the whole last segment'],
    ['/a?b', "'?' and '#' cannot appear"],
  ])('rejects the pattern %s', (pattern, reason) => {
    const r = new Router()
    expect(() => r.add('GET', pattern, 0)).toThrow(InvalidPatternError)
    expect(() => r.add('GET', pattern, 0)).toThrow(reason)
  })

  it('gives every error a stable code and an HTTP status', () => {
    const error = new InvalidPatternError('/x', 'because')
    expect(error).toBeInstanceOf(RouterError)
    expect(error).toMatchObject({ code: 'ROUTER_INVALID_PATTERN', status: 500, name: 'InvalidPatternError' })
  })
})

describe('remove', () => {
  it('removes one method of a route and keeps the rest matching', () => {
    const r = new Router<string>()
    r.add('GET', '/a/{x}', 'get')
    r.add('POST', '/a/{x}', 'post')
    r.add('GET', '/b', 'b')
    expect(r.remove('GET', '/a/{x}')).toBe(true)
    expect(r.match('GET', '/a/1')).toMatchObject({ status: 405, allowed: ['POST'] })
    expect(r.match('POST', '/a/1')).toMatchObject({ status: 200, route: { payload: 'post' } })
    expect(r.match('GET', '/b')).toMatchObject({ status: 200 })
    expect(r.routes().map((x) => x.payload)).toEqual(['post', 'b'])
  })

  it('keeps the Route objects of the routes it did not remove', () => {
    const r = new Router<string>()
    const a = r.add('GET', '/a/{x}', 'a')
    r.add('GET', '/b', 'b')
    r.remove('GET', '/b')
    expect(r.routes()[0]).toBe(a)
    expect(r.match('GET', '/a/1')).toMatchObject({ status: 200, route: a })
  })

  it('frees a param position for another name once the last route using it is gone', () => {
    const r = new Router()
    r.add('GET', '/u/{id}', 1)
    r.remove('GET', '/u/{id}')
    r.add('GET', '/u/{uid}', 2)
    expect(r.match('GET', '/u/7')).toMatchObject({ status: 200, params: { uid: '7' } })
    expect(r.match('GET', '/nothing')).toMatchObject({ status: 404 })
  })

  it('reports false for a route that is not there', () => {
    expect(new Router().remove('GET', '/nope')).toBe(false)
  })
})

describe('mount', () => {
  it('adds every route of another router under a prefix', () => {
    const api = new Router<string>()
    api.add('GET', '/users/{id}', 'user', { name: 'user' })
    api.add('GET', '/', 'index')
    const app = new Router<string>()
    app.add('GET', '/health', 'health')
    app.mount('/api/v1/', api)
    expect(app.match('GET', '/api/v1/users/3')).toMatchObject({ status: 200, route: { payload: 'user', name: 'user' } })
    expect(app.match('GET', '/api/v1/')).toMatchObject({ status: 200, route: { payload: 'index' } })
    expect(app.routes().map((x) => x.pattern)).toEqual(['/health', '/api/v1/users/{id}', '/api/v1/'])
    expect(() => app.mount('api', api)).toThrow(InvalidPatternError)
  })
})

describe('suggest', () => {
  const r = new Router()
  for (const p of ['/users', '/users/{id}', '/users/{id}/posts', '/items', '/orders/{id:int}']) r.add('GET', p, p)

  it('returns the closest patterns first for a near miss', () => {
    expect(r.suggest('/user')).toEqual(['/users'])
    expect(r.suggest('/users/42/post')[0]).toBe('/users/{id}/posts')
    expect(r.suggest('/oders/5?x=1')[0]).toBe('/orders/{id:int}')
  })

  it('returns nothing for a path unlike every pattern, and at most `limit`', () => {
    expect(r.suggest('/completely/different/place')).toEqual([])
    expect(r.suggest('/users/1/postz', 1)).toHaveLength(1)
  })
})

describe('print', () => {
  it('draws the tree with the methods of each route', () => {
    const r = new Router()
    r.add('GET', '/user', 1)
    r.add('POST', '/user/comments', 2)
    r.add('GET', '/user/{id:int}', 3)
    r.add('GET', '/static/*', 4)
    r.add('GET', '/files/{name}.{ext}', 5)
    r.add('PUT', '/user/{user_id:int}', 6)
    r.add('POST', '/static/*rest', 7)
    expect(r.print()).toBe(
      [
        '(root)',
        '└── /',
        '    ├── user [GET]',
        '    │   └── /',
        '    │       ├── comments [POST]',
        '    │       └── {id|user_id:int} [GET, PUT]',
        '    ├── static/',
        '    │   └── *|*rest [GET, POST]',
        '    └── files/',
        '        └── {name}.{ext} [GET]',
      ].join('\n'),
    )
  })
})
