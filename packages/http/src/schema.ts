// Standard Schema v1 (https://standardschema.dev): zod, valibot, arktype and others implement it, so a
// route accepts any of them. The interface is copied here, as the spec asks, instead of depended upon.
import { Future, isThenable } from '@fasterapi/futures'
import type { ValidationIssue } from './errors.ts'
import { clipInput, type InputBudget, valueAt } from './internal/issue-input.ts'

export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly '~standard': {
    readonly version: 1
    readonly vendor: string
    readonly validate: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>
    readonly types?: { readonly input: Input; readonly output: Output } | undefined
  }
}

export type StandardResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: ReadonlyArray<StandardIssue> }

export interface StandardIssue {
  readonly message: string
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined
  readonly code?: string
}

export type InferOutput<S> = S extends StandardSchemaV1<any, infer O> ? O : never
export type InferInput<S> = S extends StandardSchemaV1<infer I, any> ? I : never

export function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  return typeof value === 'object' && value !== null && '~standard' in value
}

/**
 * FastAPI's issue shape from a Standard Schema issue; `where` is 'path', 'query', 'body', … and `root` the value
 * that was validated: the issue's `input` is the value at its `loc`, cut to what `budget` still allows.
 */
export function toValidationIssue(
  where: string,
  issue: StandardIssue,
  root: unknown,
  budget: InputBudget | undefined,
): ValidationIssue {
  const loc: (string | number)[] = [where]
  for (const p of issue.path ?? []) {
    const key = typeof p === 'object' ? p.key : p
    loc.push(typeof key === 'number' ? key : String(key))
  }
  const out: ValidationIssue = { type: issue.code ?? 'value_error', loc, msg: issue.message }
  if (budget !== undefined) {
    const input = clipInput(valueAt(root, loc.slice(1)), budget)
    if (input !== undefined) out.input = input
  }
  return out
}

// invariant: a synchronous validator yields a ready future, so a sync route stays sync
export function runSchema<T>(
  schema: StandardSchemaV1<unknown, T>,
  value: unknown,
): Future<StandardResult<T>> | StandardResult<T> {
  const result = schema['~standard'].validate(value)
  return isThenable(result) ? Future.from(result) : result
}

export type JsonSchema = Record<string, unknown>

/** JSON Schema of a Standard Schema, when its library can say; `{}` (anything) otherwise. */
export function jsonSchemaOf(schema: StandardSchemaV1, io: 'input' | 'output'): JsonSchema {
  const converter = (schema['~standard'] as { jsonSchema?: Record<typeof io, (o: { target: string }) => JsonSchema> })
    .jsonSchema
  if (converter === undefined) return {}
  try {
    const { $schema: _, ...rest } = converter[io]({ target: 'draft-2020-12' })
    return rest
  } catch {
    return {}
  }
}
