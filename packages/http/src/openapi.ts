// OpenAPI 3.1 from the registered routes, as FastAPI builds it: path params from the pattern, query,
// header and cookie params and bodies from their schemas (through Standard JSON Schema, which zod and
// others implement), a 422 response wherever input is validated.
import type { RouteConfig, Schema } from './route.ts'
import { type JsonSchema, jsonSchemaOf } from './schema.ts'

export interface OpenAPIInfo {
  title?: string
  version?: string
  description?: string
}

export interface DocumentedRoute {
  method: string
  pattern: string
  config: RouteConfig
}

const PARAM_TYPES: Record<string, JsonSchema> = {
  int: { type: 'integer' },
  float: { type: 'number' },
  uuid: { type: 'string', format: 'uuid' },
  path: { type: 'string' },
  str: { type: 'string' },
}

const VALIDATION_ERROR: JsonSchema = {
  type: 'object',
  properties: {
    detail: {
      type: 'array',
      items: {
        type: 'object',
        required: ['loc', 'msg', 'type'],
        properties: {
          loc: { type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'integer' }] } },
          msg: { type: 'string' },
          type: { type: 'string' },
        },
      },
    },
  },
}

// '/users/{id:int}/files/{rest:path}' → '/users/{id}/files/{rest}', with each param's type
export function openapiPath(pattern: string): { path: string; params: [string, JsonSchema][] } {
  const params: [string, JsonSchema][] = []
  const path = pattern
    .replace(/\{(\w+)(?::(\w+))?\}/g, (_, name: string, type = 'str') => {
      params.push([name, PARAM_TYPES[type] ?? { type: 'string' }])
      return `{${name}}`
    })
    .replace(/\/\*(\w*)$/, (_, name: string) => {
      params.push([name || 'wildcard', { type: 'string' }])
      return `/{${name || 'wildcard'}}`
    })
  return { path, params }
}

function paramsFrom(schema: Schema | undefined, where: 'query' | 'header' | 'cookie'): JsonSchema[] {
  if (schema === undefined) return []
  const json = jsonSchemaOf(schema, 'input')
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>
  const required = new Set((json.required ?? []) as string[])
  return Object.entries(properties).map(([name, s]) => ({ name, in: where, required: required.has(name), schema: s }))
}

export function buildOpenAPI(info: OpenAPIInfo, routes: readonly DocumentedRoute[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const { method, pattern, config } of routes) {
    const { path, params } = openapiPath(pattern)
    const pathSchema = config.params !== undefined ? jsonSchemaOf(config.params, 'input') : undefined
    const pathProps = (pathSchema?.properties ?? {}) as Record<string, JsonSchema>
    const parameters = [
      ...params.map(([name, schema]) => ({ name, in: 'path', required: true, schema: pathProps[name] ?? schema })),
      ...paramsFrom(config.query, 'query'),
      ...paramsFrom(config.headers, 'header'),
      ...paramsFrom(config.cookies, 'cookie'),
    ]
    const status = String(config.status ?? 200)
    const validates = parameters.length > 0 || config.body !== undefined
    const operation: Record<string, unknown> = {
      ...(config.name !== undefined && { operationId: config.name }),
      ...(config.summary !== undefined && { summary: config.summary }),
      ...(config.description !== undefined && { description: config.description }),
      ...(config.tags !== undefined && config.tags.length > 0 && { tags: [...config.tags] }),
      ...(config.deprecated && { deprecated: true }),
      ...(parameters.length > 0 && { parameters }),
      ...(config.body !== undefined && {
        requestBody: {
          required: true,
          content: { 'application/json': { schema: jsonSchemaOf(config.body, 'input') } },
        },
      }),
      responses: {
        [status]: {
          description: 'Successful Response',
          ...(status !== '204' && {
            content: {
              'application/json': {
                schema: config.response !== undefined ? jsonSchemaOf(config.response, 'output') : {},
              },
            },
          }),
        },
        ...(validates && {
          '422': {
            description: 'Validation Error',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/HTTPValidationError' } } },
          },
        }),
      },
    }
    const methods = method === '*' ? ['get', 'post', 'put', 'patch', 'delete'] : [method.toLowerCase()]
    paths[path] ??= {}
    for (const m of methods) paths[path][m] = operation
  }
  return {
    openapi: '3.1.0',
    info: {
      title: info.title ?? 'FasterAPI',
      version: info.version ?? '0.1.0',
      ...(info.description && { description: info.description }),
    },
    paths,
    components: { schemas: { HTTPValidationError: VALIDATION_ERROR } },
  }
}

/** Swagger UI for `openapiUrl`, loaded from a CDN as FastAPI's /docs is. */
export function swaggerHtml(title: string, openapiUrl: string): string {
  const safeTitle = title.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`)
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${safeTitle} - Swagger UI</title>
<link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js"></script>
<script>SwaggerUIBundle({ url: ${JSON.stringify(openapiUrl)}, dom_id: '#swagger-ui' })</script>
</body></html>`
}
