// A bearer-token check as a dependency: a route that declares it answers 401 with `WWW-Authenticate: Bearer`
// unless the request carries `Authorization: Bearer <API_TOKEN>`. Over MCP the same check runs, since the
// MCP request's Authorization header is forwarded to the route.
import { timingSafeEqual } from 'node:crypto'
import { Depends, HTTPException } from 'fasterapi'

export function bearerToken(token: string) {
  const expected = Buffer.from(`Bearer ${token}`)
  return Depends(function bearerToken({ request }) {
    const given = Buffer.from(String(request.headers.authorization ?? ''))
    // compared in constant time, so the answer's timing tells nothing about how much of a guess was right
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new HTTPException(401, 'Not authenticated', { 'www-authenticate': 'Bearer' })
    }
    return { scheme: 'bearer' as const }
  })
}
