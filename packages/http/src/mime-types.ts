// Content types by file extension for `Response.file` and `staticFiles`: a small built-in table of what web
// apps serve (mime-db holds ~1,000 entries and 200 KB of JSON; an app that needs a rarer type passes
// `contentType` or `staticFiles`' `contentTypes` option). Text types carry charset=utf-8.

const TEXT = 'text/plain; charset=utf-8'
const HTML = 'text/html; charset=utf-8'
const JS = 'text/javascript; charset=utf-8'

export const OCTET_STREAM = 'application/octet-stream'

const TYPES: Readonly<Record<string, string>> = {
  __proto__: null as never,
  html: HTML,
  htm: HTML,
  txt: TEXT,
  md: 'text/markdown; charset=utf-8',
  css: 'text/css; charset=utf-8',
  js: JS,
  mjs: JS,
  cjs: JS,
  map: 'application/json',
  json: 'application/json',
  jsonld: 'application/ld+json',
  webmanifest: 'application/manifest+json',
  xml: 'application/xml',
  csv: 'text/csv; charset=utf-8',
  ics: 'text/calendar; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  apng: 'image/apng',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  ico: 'image/x-icon',
  bmp: 'image/bmp',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  woff: 'font/woff',
  woff2: 'font/woff2',
  ttf: 'font/ttf',
  otf: 'font/otf',
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg',
  oga: 'audio/ogg',
  wav: 'audio/wav',
  flac: 'audio/flac',
  m4a: 'audio/mp4',
  mp4: 'video/mp4',
  webm: 'video/webm',
  ogv: 'video/ogg',
  mov: 'video/quicktime',
  vtt: 'text/vtt; charset=utf-8',
  pdf: 'application/pdf',
  wasm: 'application/wasm',
  zip: 'application/zip',
  gz: 'application/gzip',
  tar: 'application/x-tar',
  br: 'application/x-brotli',
  zst: 'application/zstd',
}

/** The content type for `path`'s extension (case-insensitive), or `application/octet-stream`. */
export function contentTypeFor(path: string, extra?: Readonly<Record<string, string>>): string {
  const dot = path.lastIndexOf('.')
  if (dot === -1 || path.indexOf('/', dot) !== -1) return OCTET_STREAM
  const ext = path.slice(dot + 1).toLowerCase()
  if (extra !== undefined && Object.hasOwn(extra, ext)) return extra[ext]!
  return TYPES[ext] ?? OCTET_STREAM
}
