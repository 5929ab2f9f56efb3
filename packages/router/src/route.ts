// A registered route: its public face, plus the param layout the matcher needs.
import { compileParams, type ParamsBuilder } from './internal/compile.ts'
import type { ParsedPattern } from './internal/pattern.ts'
import { Found, type ParamLayout, type Params } from './match.ts'

/** Options of `router.add()`. */
export interface RouteOptions {
  /** A name for reverse lookups and logs. */
  readonly name?: string
  /** Anything the caller wants to keep with the route (tags, OpenAPI data, …). @default {} */
  readonly meta?: Readonly<Record<string, unknown>>
}

/** One method + pattern, with the caller's payload. `P` is the params type inferred from the pattern. */
export interface Route<T, P = Params> {
  /** The HTTP method, or '*' for every method. */
  readonly method: string
  readonly pattern: string
  readonly payload: T
  readonly name: string | undefined
  readonly meta: Readonly<Record<string, unknown>>
  /** Param names in pattern order. */
  readonly paramNames: readonly (keyof P & string)[]
}

export class RouteRecord<T> implements Route<T>, ParamLayout {
  readonly method: string
  readonly pattern: string
  readonly payload: T
  readonly name: string | undefined
  readonly meta: Readonly<Record<string, unknown>>
  readonly paramNames: readonly string[]
  readonly parsed: ParsedPattern
  readonly count: number
  readonly build: ParamsBuilder
  // the answer for a route without params is the same every time: built once here
  readonly found: Found<T> | null

  constructor(method: string, parsed: ParsedPattern, payload: T, options: RouteOptions) {
    this.method = method
    this.pattern = parsed.pattern
    this.payload = payload
    this.name = options.name
    this.meta = options.meta ?? {}
    this.parsed = parsed
    this.paramNames = parsed.params.map((p) => p.name)
    this.count = parsed.params.length
    this.build = compileParams(
      this.paramNames,
      parsed.params.map((p) => p.kind),
    )
    this.found = this.count === 0 ? new Found<T>(this, parsed.pattern, false, null) : null
  }
}
