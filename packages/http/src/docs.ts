// The documentation routes: the OpenAPI document, Swagger UI and ReDoc. Both pages are served from npm
// packages through the app itself (no CDN), so they work offline and under a strict Content-Security-Policy:
// neither page has an inline script; Swagger UI's configuration is a small script the app generates.
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { App } from './app.ts'
import { RouteDefinitionError } from './errors.ts'
import { Response } from './response.ts'

/** Where the documentation is served and how it looks; each `null` turns that part off. */
export interface DocsOptions {
  /** The documentation pages' title. @default 'FasterAPI' */
  title?: string
  /** Where the OpenAPI document is served; `null` serves none (and no docs page). @default '/openapi.json' */
  openapiUrl?: string | null
  /** Where Swagger UI is served; `null` for none. @default '/docs' */
  docsUrl?: string | null
  /**
   * Where ReDoc is served; `null` for none. ReDoc is an optional peer dependency (`pnpm add redoc@2`): by
   * default /redoc is served only when it is installed, and naming a path without it is an error.
   * @default '/redoc'
   */
  redocUrl?: string | null
  /**
   * Swagger UI configuration (JSON values), merged over the defaults
   * `{ deepLinking: true, showExtensions: true, showCommonExtensions: true, layout: 'BaseLayout' }`.
   * @example { docExpansion: 'none', persistAuthorization: true, syntaxHighlight: false }
   */
  swaggerUiParameters?: Record<string, unknown>
  /** The page Swagger UI's OAuth2 flows return to; `null` for none. @default `${docsUrl}/oauth2-redirect` */
  swaggerUiOauth2RedirectUrl?: string | null
  /** Passed to Swagger UI's `initOAuth()` (e.g. `{ clientId, usePkceWithAuthorizationCodeGrant: true }`). */
  swaggerUiInitOAuth?: Record<string, unknown>
}

const require = createRequire(import.meta.url)
const DAY = 86_400

// A packaged file served with a strong ETag; read on first request, then kept (one copy per process).
interface Asset {
  body: Buffer
  etag: string
}
const assets = new Map<string, Promise<Asset>>()

function loadAsset(file: string): Promise<Asset> {
  let asset = assets.get(file)
  if (asset === undefined) {
    asset = readFile(file).then((body) => ({
      body,
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
    }))
    asset.catch(() => assets.delete(file)) // a failed read is retried by the next request
    assets.set(file, asset)
  }
  return asset
}

// RFC 9110 §13.1.2: If-None-Match is a list of entity tags (or '*'); weak comparison for GET/HEAD
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false
  if (ifNoneMatch.trim() === '*') return true
  return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
}

// `url` carries the package version, so the asset is cached for a year; the ETag answers revalidations with 304
function serveAsset(app: App, url: string, file: string): void {
  const type = TYPES[file.slice(file.lastIndexOf('.'))] ?? 'application/octet-stream'
  app.get(url, { includeInSchema: false }, async ({ headers }) => {
    const { body, etag } = await loadAsset(file)
    const cache = { etag, 'cache-control': `public, max-age=${365 * DAY}, immutable` }
    if (matches(headers['if-none-match'], etag)) return new Response(null, { status: 304, headers: cache })
    return new Response(body, { headers: { ...cache, 'content-type': type } })
  })
}

function htmlPage(html: string, csp: string): () => Response {
  return () =>
    Response.html(html, {
      headers: { 'content-security-policy': csp, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' },
    })
}

const escapeHtml = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`)

// JSON inside a <script> file: '<' escaped so no value can close a script element or open a comment
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c')

function packageDir(name: string): { dir: string; version: string } | undefined {
  try {
    const file = require.resolve(`${name}/package.json`)
    const { version } = require(file) as { version: string }
    return { dir: dirname(file), version }
  } catch {
    return undefined
  }
}

/** Registers the OpenAPI document and the docs pages on `app` (outside the document itself). */
export function mountDocs(app: App, options: DocsOptions = {}): void {
  const openapiUrl = options.openapiUrl === undefined ? '/openapi.json' : options.openapiUrl
  if (openapiUrl === null) return
  app.get(openapiUrl, { includeInSchema: false }, () => Response.json(app.openapi()))
  const title = options.title ?? 'FasterAPI'
  const docsUrl = options.docsUrl === undefined ? '/docs' : options.docsUrl
  if (docsUrl !== null) mountSwaggerUi(app, docsUrl, openapiUrl, title, options)
  const redocUrl = options.redocUrl === undefined ? '/redoc' : options.redocUrl
  if (redocUrl !== null) {
    const redoc = packageDir('redoc')
    if (redoc !== undefined) mountRedoc(app, redocUrl, openapiUrl, title, redoc)
    else if (options.redocUrl !== undefined) {
      throw new RouteDefinitionError(`redocUrl '${redocUrl}' needs the optional 'redoc' package: pnpm add redoc@2`)
    }
  }
}

function mountSwaggerUi(app: App, docsUrl: string, openapiUrl: string, title: string, options: DocsOptions): void {
  const dist = packageDir('swagger-ui-dist')
  if (dist === undefined) throw new RouteDefinitionError("Swagger UI needs the 'swagger-ui-dist' package")
  const base = `${docsUrl}/assets/swagger-ui-${dist.version}`
  for (const name of ['swagger-ui.css', 'swagger-ui-bundle.js', 'oauth2-redirect.js', 'favicon-32x32.png'])
    serveAsset(app, `${base}/${name}`, join(dist.dir, name))
  const redirectUrl =
    options.swaggerUiOauth2RedirectUrl === undefined ? `${docsUrl}/oauth2-redirect` : options.swaggerUiOauth2RedirectUrl
  const config = {
    url: openapiUrl,
    dom_id: '#swagger-ui',
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    layout: 'BaseLayout',
    ...options.swaggerUiParameters,
  }
  // the configuration as a script of its own, so the page needs no inline script ('script-src self' suffices)
  const init = `// generated by @fasterapi/http from the app's docs options
const config = ${scriptJson(config)}
${redirectUrl === null ? '' : `config.oauth2RedirectUrl = window.location.origin + ${scriptJson(redirectUrl)}\n`}config.presets = [SwaggerUIBundle.presets.apis]
window.ui = SwaggerUIBundle(config)
${options.swaggerUiInitOAuth === undefined ? '' : `window.ui.initOAuth(${scriptJson(options.swaggerUiInitOAuth)})\n`}`
  const initHash = createHash('sha256').update(init).digest('base64url').slice(0, 16)
  app.get(
    `${docsUrl}/assets/init-${initHash}.js`,
    { includeInSchema: false },
    () =>
      new Response(init, {
        headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': `public, max-age=${DAY}` },
      }),
  )
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} - Swagger UI</title>
<link rel="icon" type="image/png" href="${base}/favicon-32x32.png">
<link rel="stylesheet" href="${base}/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="${base}/swagger-ui-bundle.js"></script>
<script src="${docsUrl}/assets/init-${initHash}.js"></script>
</body></html>`
  // Swagger UI sets style attributes and shows images from the document (data: URLs); no script but ours
  const csp =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'self'"
  app.get(docsUrl, { includeInSchema: false }, htmlPage(html, csp))
  if (redirectUrl !== null) {
    const redirect = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} - OAuth2 redirect</title></head>
<body><script src="${base}/oauth2-redirect.js"></script></body></html>`
    app.get(redirectUrl, { includeInSchema: false }, htmlPage(redirect, "default-src 'none'; script-src 'self'"))
  }
}

function mountRedoc(
  app: App,
  redocUrl: string,
  openapiUrl: string,
  title: string,
  redoc: { dir: string; version: string },
): void {
  const bundle = `${redocUrl}/assets/redoc-${redoc.version}/redoc.standalone.js`
  serveAsset(app, bundle, join(redoc.dir, 'bundles', 'redoc.standalone.js'))
  // <redoc spec-url> starts ReDoc by itself once its bundle has loaded: no inline script
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} - ReDoc</title></head>
<body><redoc spec-url="${escapeHtml(openapiUrl)}"></redoc>
<script src="${bundle}"></script>
</body></html>`
  // ReDoc injects its styles (styled-components) and runs its search index in a blob: worker
  const csp =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; worker-src 'self' blob:; frame-ancestors 'self'"
  app.get(redocUrl, { includeInSchema: false }, htmlPage(html, csp))
}
