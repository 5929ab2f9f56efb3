import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { PrototypePoisoningError, safeJsonParse } from '../src/internal/safe-json.ts'

// every spelling of `name` as a JSON string body: each character either itself or a \uXXXX escape
function spellings(name: string): string[] {
  const out: string[] = []
  for (let mask = 1; mask < 2 ** name.length; mask += 7) {
    let s = ''
    for (let i = 0; i < name.length; i++) {
      const hex = name.charCodeAt(i).toString(16).padStart(4, '0')
      s += mask & (1 << i) ? `\\u${i % 2 === 0 ? hex : hex.toUpperCase()}` : name[i]
    }
    out.push(s)
  }
  return out
}

describe('safeJsonParse', () => {
  it('returns what JSON.parse returns for clean input', () => {
    const text = '{"name":"pen","tags":["a",{"b":[1,2,{"c":null}]}],"n":1.5}'
    expect(safeJsonParse(text)).toEqual(JSON.parse(text))
    expect(safeJsonParse('"__proto__"')).toBe('__proto__')
    expect(safeJsonParse('[1,"constructor"]')).toEqual([1, 'constructor'])
  })

  it.each([
    ['__proto__', '{"a":{"b":[{"%s":{"polluted":1}}]}}'],
    ['constructor', '{"a":[{"%s":{"prototype":{"polluted":1}}}]}'],
  ])('refuses %s as a key at any depth, literal or with any character escaped', (name, template) => {
    for (const spelled of [name, ...spellings(name)]) {
      expect(() => safeJsonParse(template.replace('%s', spelled)), spelled).toThrow(PrototypePoisoningError)
    }
  })

  it('accepts the forbidden names as values and a constructor key that holds plain data', () => {
    expect(safeJsonParse('{"note":"__proto__ and constructor","constructor":"Acme"}')).toEqual({
      note: '__proto__ and constructor',
      constructor: 'Acme',
    })
    expect(safeJsonParse('{"\\u0063onstructor":{"name":"x"}}')).toEqual({ constructor: { name: 'x' } })
  })

  it('agrees with a full walk of the parsed value on arbitrary JSON with hostile keys', () => {
    const key = fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'prototype', 'a'))
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null)),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.array(fc.tuple(key, tie('value')), { maxLength: 4 }).map((entries) => ({ entries })),
      ),
    })).value
    // serialize by hand so that a __proto__ key is written as a key, and escape a random key character
    const write = (v: unknown, escaped: boolean): string => {
      if (Array.isArray(v)) return `[${v.map((x) => write(x, escaped)).join(',')}]`
      if (v !== null && typeof v === 'object' && 'entries' in v) {
        const entries = (v as { entries: [string, unknown][] }).entries
        return `{${entries.map(([k, x]) => `${escaped && k.length > 0 ? `"\\u${k.charCodeAt(0).toString(16).padStart(4, '0')}${JSON.stringify(k.slice(1)).slice(1)}` : JSON.stringify(k)}:${write(x, escaped)}`).join(',')}}`
      }
      return JSON.stringify(v)
    }
    const poisoned = (v: unknown): boolean => {
      if (v === null || typeof v !== 'object') return false
      for (const k of Object.keys(v)) {
        const child = (v as Record<string, unknown>)[k]
        if (k === '__proto__') return true
        if (k === 'constructor' && child !== null && typeof child === 'object' && Object.hasOwn(child, 'prototype'))
          return true
        if (poisoned(child)) return true
      }
      return false
    }
    fc.assert(
      fc.property(json, fc.boolean(), (value, escaped) => {
        const text = write(value, escaped)
        const expected = poisoned(JSON.parse(text))
        if (expected) expect(() => safeJsonParse(text)).toThrow(PrototypePoisoningError)
        else expect(safeJsonParse(text)).toEqual(JSON.parse(text))
      }),
      { numRuns: 2000 },
    )
  })
})
