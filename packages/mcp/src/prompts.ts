// Prompts declared on the mount: `server.prompt(name, schema, fn)`. The schema (any Standard Schema) checks the
// arguments and, through its JSON Schema, lists them in prompts/list.
import type { StandardSchemaV1 } from '@fasterapi/http'
import { ErrorCode, McpRequestError } from './errors.ts'

export interface PromptMessage {
  role: 'user' | 'assistant'
  content: Record<string, unknown> & { type: string }
}

/** What a prompt function returns: a text (one user message), messages, or messages with a description. */
export type PromptOutput = string | PromptMessage[] | { description?: string; messages: PromptMessage[] }

export interface PromptOptions {
  title?: string
  description?: string
}

export interface PromptDefinition {
  name: string
  schema: StandardSchemaV1 | undefined
  fn: (args: any) => PromptOutput | Promise<PromptOutput>
  options: PromptOptions
}

/** The JSON Schema of a prompt's arguments, from its Standard Schema (empty when it cannot give one). */
export function promptJsonSchema(prompt: PromptDefinition): Record<string, unknown> {
  const converter = (prompt.schema?.['~standard'] as { jsonSchema?: { input(o: { target: string }): any } })?.jsonSchema
  try {
    return converter?.input({ target: 'draft-2020-12' }) ?? {}
  } catch {
    return {}
  }
}

/** The prompts/list entry of `prompt`. */
export function describePrompt(prompt: PromptDefinition): Record<string, unknown> {
  const json = promptJsonSchema(prompt) as {
    properties?: Record<string, { description?: string }>
    required?: string[]
  }
  const required = new Set(json.required ?? [])
  const args = Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    ...(typeof s.description === 'string' && { description: s.description }),
    required: required.has(name),
  }))
  return {
    name: prompt.name,
    ...(prompt.options.title !== undefined && { title: prompt.options.title }),
    ...(prompt.options.description !== undefined && { description: prompt.options.description }),
    ...(args.length > 0 && { arguments: args }),
  }
}

/** prompts/get: the arguments checked by the schema (-32602 with the issues when they fail), then `fn`. */
export async function getPrompt(prompt: PromptDefinition, args: unknown): Promise<Record<string, unknown>> {
  let value: unknown = args ?? {}
  if (prompt.schema !== undefined) {
    const checked = await prompt.schema['~standard'].validate(value)
    if (checked.issues !== undefined) {
      const issues = checked.issues.map((i) => ({
        path: (i.path ?? []).map((p) => (typeof p === 'object' ? p.key : p)),
        message: i.message,
      }))
      throw new McpRequestError(200, ErrorCode.InvalidParams, `Invalid arguments for prompt ${prompt.name}`, { issues })
    }
    value = checked.value
  }
  const out = await prompt.fn(value)
  if (typeof out === 'string') return { messages: [{ role: 'user', content: { type: 'text', text: out } }] }
  if (Array.isArray(out)) return { messages: out }
  return { ...(out.description !== undefined && { description: out.description }), messages: out.messages }
}
