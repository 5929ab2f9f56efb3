// Settings in the manner of pydantic-settings: one Standard Schema (zod, valibot, …) describes them, values come
// from the environment and .env files, a prefix scopes them and a delimiter reaches nested keys
// (APP_DB__HOST → { db: { host } }). Every bad or missing key is reported in one error, at startup.
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseEnv } from 'node:util'
import type { InferOutput, StandardSchemaV1 } from '@fasterapi/http'
import { SettingsError, type SettingsIssue } from './errors.ts'
import { jsonSchemaOf, readFromSchema, readLoose, type Variable, variableName } from './internal/env-keys.ts'

export { SettingsError, type SettingsIssue }

export interface SettingsOptions {
  /** Prepended to every variable name: `{ prefix: 'APP_' }` reads `port` from `APP_PORT`. @default '' */
  prefix?: string
  /** .env files read in order, later ones winning; missing files are skipped. The environment wins over all. @default '.env' */
  envFile?: string | readonly string[] | null
  /** Separates nested keys: `DB__HOST` → `{ db: { host } }`. @default '__' */
  nestedDelimiter?: string
  /** Where variables come from. @default process.env */
  env?: Record<string, string | undefined>
  /** Folder the .env paths are relative to. @default process.cwd() */
  cwd?: string
}

/**
 * Reads settings from the environment and .env files and validates them with `schema`. Field names map to
 * SCREAMING_SNAKE_CASE (`databaseUrl` → `DATABASE_URL`, case-insensitive); when the schema library publishes a JSON
 * Schema (zod does) numbers, booleans and JSON objects are converted from their text first, as pydantic does.
 * Throws one `SettingsError` (code `SETTINGS_INVALID`) listing every bad or missing variable.
 * @example
 * const settings = defineSettings(z.object({ port: z.number().default(8000), db: z.object({ url: z.string() }) }),
 *   { prefix: 'APP_' })   // reads APP_PORT and APP_DB__URL
 */
export function defineSettings<S extends StandardSchemaV1>(schema: S, options: SettingsOptions = {}): InferOutput<S> {
  const prefix = options.prefix ?? ''
  const delimiter = options.nestedDelimiter ?? '__'
  if (delimiter === '') throw new SettingsError('SETTINGS_INVALID_OPTION', 'nestedDelimiter cannot be empty', [])
  const variables = collect(options)
  const json = jsonSchemaOf(schema)
  const { input, names } =
    json !== undefined ? readFromSchema(json, variables, prefix, delimiter) : readLoose(variables, prefix, delimiter)
  const result = schema['~standard'].validate(input)
  if (result instanceof Promise) {
    throw new SettingsError('SETTINGS_ASYNC_SCHEMA', 'defineSettings needs a schema that validates synchronously', [])
  }
  if (result.issues === undefined) return result.value as InferOutput<S>
  const issues = result.issues.map((issue): SettingsIssue => {
    const path = (issue.path ?? []).map((p) => String(typeof p === 'object' ? p.key : p))
    const variable = names.get(path.join('.')) ?? variableName(prefix, path, delimiter)
    const value = variables.get(variable.toUpperCase())?.value
    return { variable, path, message: value === undefined ? `missing (${issue.message})` : issue.message }
  })
  const lines = issues.map((i) => `  ${i.variable}: ${i.message}`).join('\n')
  throw new SettingsError('SETTINGS_INVALID', `Invalid settings (${issues.length}):\n${lines}`, issues)
}

// upper-cased name → variable; .env files in order, then the environment on top (it wins, as in pydantic-settings)
function collect(options: SettingsOptions): Map<string, Variable> {
  const out = new Map<string, Variable>()
  const add = (source: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(source)) {
      if (value !== undefined) out.set(name.toUpperCase(), { name, value })
    }
  }
  const files = options.envFile === undefined ? ['.env'] : options.envFile === null ? [] : [options.envFile].flat()
  for (const file of files) {
    let text: string
    try {
      text = readFileSync(resolve(options.cwd ?? process.cwd(), file), 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue
      throw error
    }
    add(parseEnv(text))
  }
  add(options.env ?? process.env)
  return out
}
