// The documentation routes: the OpenAPI document and the pages that render it. `App` calls `mountDocs`
// from its constructor; everything here goes through the app's public registration API.
import type { App } from './app.ts'
import { swaggerHtml } from './openapi.ts'
import { Response } from './response.ts'

/** Where the documentation is served; each `null` turns that part off. */
export interface DocsOptions {
  /** The documentation pages' title. @default 'FasterAPI' */
  title?: string
  /** Where the OpenAPI document is served; `null` serves none (and no docs page). @default '/openapi.json' */
  openapiUrl?: string | null
  /** Where Swagger UI is served; `null` for none. @default '/docs' */
  docsUrl?: string | null
}

/** Registers the OpenAPI document and the docs pages on `app` (outside the document itself). */
export function mountDocs(app: App, options: DocsOptions = {}): void {
  const openapiUrl = options.openapiUrl === undefined ? '/openapi.json' : options.openapiUrl
  if (openapiUrl === null) return
  app.get(openapiUrl, { includeInSchema: false }, () => Response.json(app.openapi()))
  const docsUrl = options.docsUrl === undefined ? '/docs' : options.docsUrl
  if (docsUrl !== null) {
    const html = swaggerHtml(options.title ?? 'FasterAPI', openapiUrl)
    app.get(docsUrl, { includeInSchema: false }, () => Response.html(html))
  }
}
