import { describe, expect, it } from 'vitest'
import { mountDocs } from '../src/docs.ts'
import { App } from '../src/index.ts'

describe('mountDocs', () => {
  it('serves the document and Swagger UI at the paths it is given', async () => {
    const app = new App({ openapiUrl: null })
    app.get('/ping', () => 'pong')
    mountDocs(app, { title: 'Pings', openapiUrl: '/api/schema.json', docsUrl: '/api/docs' })
    const doc = await app.inject('/api/schema.json')
    expect(Object.keys(doc.json().paths)).toEqual(['/ping'])
    const page = await app.inject('/api/docs')
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(page.body).toContain('"/api/schema.json"')
    expect(page.body).toContain('<title>Pings')
  })

  it('serves neither document nor page when openapiUrl is null', async () => {
    const app = new App({ openapiUrl: null })
    mountDocs(app, { openapiUrl: null })
    expect((await app.inject('/openapi.json')).status).toBe(404)
    expect((await app.inject('/docs')).status).toBe(404)
  })
})
