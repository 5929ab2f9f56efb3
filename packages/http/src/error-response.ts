// Errors into responses: HTTPException → its status and `{"detail": …}` (FastAPI's shape), validation →
// 422 with the issue list, anything else → 500 without internals. `problem` switches to RFC 9457.
import { defaultDetail, HTTPException, RequestValidationError } from './errors.ts'
import { Response } from './response.ts'

export type ErrorFormat = 'fastapi' | 'problem'

export function errorResponse(error: unknown, format: ErrorFormat): Response {
  const http = error instanceof HTTPException ? error : undefined
  const status = http?.status ?? 500
  const detail = http !== undefined ? http.detail : defaultDetail(500)
  const headers = { ...http?.headers }
  if (format === 'problem') {
    const problem: Record<string, unknown> = { type: 'about:blank', title: defaultDetail(status), status }
    if (error instanceof RequestValidationError) problem.errors = error.issues
    else if (typeof detail === 'string' && detail !== problem.title) problem.detail = detail
    else if (typeof detail !== 'string') problem.detail = detail
    return new Response(JSON.stringify(problem), {
      status,
      headers: { ...headers, 'content-type': 'application/problem+json' },
    })
  }
  return Response.json({ detail }, { status, headers })
}
