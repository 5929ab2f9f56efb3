// Params typed from the pattern string: '/users/{id:int}/posts/{slug}' → { id: number; slug: string },
// '{id:bigint}' → bigint.

type ParamValue<Type extends string> = Type extends 'int' | 'float' ? number : Type extends 'bigint' ? bigint : string

type BraceParams<S extends string> = S extends `${string}{${infer Inner}}${infer Rest}`
  ? (Inner extends `${infer Name}:${infer Type}` ? { [K in Name]: ParamValue<Type> } : { [K in Inner]: string }) &
      BraceParams<Rest>
  : {}

type CatchAllParams<S extends string> = S extends `${string}/*${infer Name}`
  ? Name extends `${string}/${string}`
    ? {}
    : { [K in Name extends '' ? '*' : Name]: string }
  : {}

type Simplify<T> = { readonly [K in keyof T]: T[K] } & {}

/**
 * The params object `match()` builds for a pattern.
 * @example
 * type P = ParamsOf<'/users/{id:int}/files/{name}.{ext}'> // { id: number; name: string; ext: string }
 */
export type ParamsOf<Pattern extends string> = Simplify<BraceParams<Pattern> & CatchAllParams<Pattern>>
