import { describe, expect, it } from 'vitest'
import { ADAPTERS } from './impl.ts'
import { CLASSIC, CLASSIC_LOOKUPS, GITHUB, GITHUB_ALL, GITHUB_LOOKUPS, pathBuffer } from './input.ts'

describe.each(ADAPTERS)('$name', (adapter) => {
  const classic = adapter.build(CLASSIC)
  const github = adapter.build(GITHUB)

  it.each(CLASSIC_LOOKUPS)('answers the classic "$name" lookup with its route and params', (l) => {
    const found = adapter.read(classic(l.method, l.path))
    expect(found).toEqual(l.route === -1 ? null : { route: l.route, params: l.params })
  })

  it.each(GITHUB_LOOKUPS)('answers "$name" with its route and params', (l) => {
    const found = adapter.read(github(l.method, l.path))
    expect(found).toEqual(l.route === -1 ? null : { route: l.route, params: l.params })
  })

  it('finds every GitHub route with its own params', () => {
    for (const l of GITHUB_ALL)
      expect(adapter.read(github(l.method, l.path)), l.name).toEqual({ route: l.route, params: l.params })
  })

  it('finds every GitHub route from paths decoded out of a request buffer', () => {
    const { buffer, starts, ends } = pathBuffer(GITHUB_ALL)
    GITHUB_ALL.forEach((l, i) => {
      const path = buffer.toString('latin1', starts[i], ends[i])
      expect(adapter.read(github(l.method, path))).toEqual({ route: l.route, params: l.params })
    })
  })
})
