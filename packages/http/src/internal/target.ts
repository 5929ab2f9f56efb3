// The request target in origin form (RFC 9112 §3.2). A server MUST accept the absolute form
// (`GET http://host/path?q HTTP/1.1`, §3.2.2), which proxies send; its path and query are what route.

const ABSOLUTE = /^[a-zA-Z][a-zA-Z\d+.-]*:\/\/[^/?#]*/

// invariant: the origin form passes through untouched; only a target not starting with '/' is rewritten
export function originForm(url: string): string {
  if (url.charCodeAt(0) === 47 /* '/' */) return url
  const authority = ABSOLUTE.exec(url)
  if (authority === null) return url // '*' (OPTIONS) or garbage: routes as it is, to a 404
  const rest = url.slice(authority[0].length)
  return rest === '' ? '/' : rest.charCodeAt(0) === 63 /* '?' */ ? `/${rest}` : rest
}
