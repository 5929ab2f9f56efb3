import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { mountDocs } from '../src/docs.ts'
import { App } from '../src/index.ts'

function docsApp(options: Parameters<typeof mountDocs>[1] = {}) {
  const app = new App({ openapiUrl: null })
  app.get('/ping', { query: z.object({ n: z.coerce.number().optional() }) }, () => 'pong')
  mountDocs(app, options)
  return app
}

const assetsOf = (html: string) => [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!)

describe('mountDocs', () => {
  it('serves the document and Swagger UI at the paths it is given', async () => {
    const app = docsApp({ title: 'Pings', openapiUrl: '/api/schema.json', docsUrl: '/api/docs' })
    const doc = await app.inject('/api/schema.json')
    expect(Object.keys(doc.json().paths)).toEqual(['/ping'])
    const page = await app.inject('/api/docs')
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(page.body).toContain('<title>Pings - Swagger UI</title>')
    const init = assetsOf(page.body).find((a) => a.includes('/init-'))!
    expect((await app.inject(init)).body).toContain('"url":"/api/schema.json"')
    expect((await app.inject('/docs')).status).toBe(404)
  })

  it('loads nothing from another origin and needs no inline script (CSP script-src self)', async () => {
    const app = docsApp()
    for (const url of ['/docs', '/redoc']) {
      const page = await app.inject(url)
      expect(page.status).toBe(200)
      expect(page.headers['content-security-policy']).toContain("script-src 'self';")
      expect(page.body).not.toMatch(/<script>|<script [^>]*>[^<]/) // every script element is empty with a src
      const assets = assetsOf(page.body)
      expect(assets.length).toBeGreaterThan(0)
      for (const asset of assets) {
        expect(asset.startsWith('/')).toBe(true)
        expect((await app.inject(asset)).status).toBe(200)
      }
    }
  })

  it('serves packaged assets with a type, a strong ETag, a year of caching and 304 on revalidation', async () => {
    const app = docsApp()
    const page = await app.inject('/docs')
    const bundle = assetsOf(page.body).find((a) => a.endsWith('/swagger-ui-bundle.js'))!
    expect(bundle).toMatch(/^\/docs\/assets\/swagger-ui-\d+\.\d+\.\d+\/swagger-ui-bundle\.js$/)
    const first = await app.inject(bundle)
    expect(first.headers['content-type']).toBe('text/javascript; charset=utf-8')
    expect(first.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    const etag = first.headers.etag as string
    expect(etag).toMatch(/^"[\w-]{27}"$/)
    expect(first.rawBody.length).toBeGreaterThan(100_000)
    const again = await app.inject({ url: bundle, headers: { 'if-none-match': `"other", W/${etag}` } })
    expect(again.status).toBe(304)
    expect(again.rawBody.length).toBe(0)
    expect(again.headers.etag).toBe(etag)
    const css = assetsOf(page.body).find((a) => a.endsWith('.css'))!
    expect((await app.inject(css)).headers['content-type']).toBe('text/css; charset=utf-8')
    expect((await app.inject({ url: css, headers: { 'if-none-match': '"nope"' } })).status).toBe(200)
  })

  it('passes Swagger UI parameters and initOAuth through, escaped for a script', async () => {
    const app = docsApp({
      swaggerUiParameters: { docExpansion: 'none', deepLinking: false, note: '</script><script>alert(1)' },
      swaggerUiInitOAuth: { clientId: 'docs' },
    })
    const page = await app.inject('/docs')
    const init = (await app.inject(assetsOf(page.body).find((a) => a.includes('/init-'))!)).body
    expect(init).toContain('"docExpansion":"none"')
    expect(init).toContain('"deepLinking":false')
    expect(init).not.toContain('</script>')
    expect(init).toContain('window.ui.initOAuth({"clientId":"docs"})')
    expect(init).toContain('config.oauth2RedirectUrl = window.location.origin + "/docs/oauth2-redirect"')
  })

  it('serves the OAuth2 redirect page from the package, at its default or a chosen path', async () => {
    const app = docsApp()
    const redirect = await app.inject('/docs/oauth2-redirect')
    expect(redirect.status).toBe(200)
    const [script] = assetsOf(redirect.body)
    expect((await app.inject(script!)).body).toContain('swaggerUIRedirectOauth2')
    const moved = docsApp({ swaggerUiOauth2RedirectUrl: '/auth/back' })
    expect((await moved.inject('/auth/back')).status).toBe(200)
    expect((await moved.inject('/docs/oauth2-redirect')).status).toBe(404)
    const none = docsApp({ swaggerUiOauth2RedirectUrl: null })
    expect((await none.inject('/docs/oauth2-redirect')).status).toBe(404)
  })

  it('serves ReDoc from the redoc package, at its default or a chosen path', async () => {
    const app = docsApp({ redocUrl: '/reference', title: 'A & B' })
    const page = await app.inject('/reference')
    expect(page.body).toContain('<redoc spec-url="/openapi.json"></redoc>')
    expect(page.body).toContain('<title>A &#38; B - ReDoc</title>')
    const bundle = assetsOf(page.body)[0]!
    expect(bundle).toMatch(/^\/reference\/assets\/redoc-2\.\d+\.\d+\/redoc\.standalone\.js$/)
    expect((await app.inject(bundle)).headers.etag).toBeDefined()
  })

  it('turns each page off with null, and everything off without a document', async () => {
    const app = docsApp({ docsUrl: null, redocUrl: null })
    expect((await app.inject('/openapi.json')).status).toBe(200)
    expect((await app.inject('/docs')).status).toBe(404)
    expect((await app.inject('/redoc')).status).toBe(404)
    const none = docsApp({ openapiUrl: null })
    for (const url of ['/openapi.json', '/docs', '/redoc']) expect((await none.inject(url)).status).toBe(404)
    expect(Object.keys(none.openapi().paths as object)).toEqual(['/ping']) // the document itself still exists
  })

  it('keeps the docs routes out of the document', async () => {
    const doc = (await docsApp().inject('/openapi.json')).json()
    expect(Object.keys(doc.paths)).toEqual(['/ping'])
  })
})
