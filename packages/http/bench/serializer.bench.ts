// Does a serializer compiled from the response schema beat JSON.stringify on Node 24? Measured here: yes for
// one object of known fields (1.3–2.2×), no for an array of them (JSON.stringify 1.0–2.6× faster) — so
// src/serializer.ts compiles object schemas only. The functions below are the shape the compiler emits.
import { bench, do_not_optimize, group, run, summary } from 'mitata'

const user = {
  id: 42,
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  active: true,
  score: 99.5,
  tags: ['a', 'b', 'c'],
}
const list = Array.from({ length: 20 }, (_, i) => ({ ...user, id: i }))

const NEEDS_ESCAPE = /[\u0000-\u001f"\\\ud800-\udfff]/
const str = (s: string) => (s.length < 42 && !NEEDS_ESCAPE.test(s) ? `"${s}"` : JSON.stringify(s))
const num = (n: number) => (Number.isFinite(n) ? `${n}` : 'null')

function one(v: typeof user): string {
  let o = `{"id":${num(v.id)},"name":${str(v.name)},"email":${str(v.email)},"active":${v.active ? 'true' : 'false'},"score":${num(v.score)},"tags":[`
  for (let i = 0; i < v.tags.length; i++) o += (i ? ',' : '') + str(v.tags[i]!)
  return `${o}]}`
}

function many(a: (typeof user)[]): string {
  let o = '['
  for (let i = 0; i < a.length; i++) o += (i ? ',' : '') + one(a[i]!)
  return `${o}]`
}

if (one(user) !== JSON.stringify(user) || many(list) !== JSON.stringify(list)) throw new Error('serializers disagree')

summary(() => {
  group('one object, 6 fields', () => {
    bench('JSON.stringify', () => do_not_optimize(JSON.stringify(user)))
    bench('compiled from the schema', () => do_not_optimize(one(user)))
  })
})
summary(() => {
  group('array of 20 objects', () => {
    bench('JSON.stringify', () => do_not_optimize(JSON.stringify(list)))
    bench('compiled from the schema', () => do_not_optimize(many(list)))
  })
})

await run()
