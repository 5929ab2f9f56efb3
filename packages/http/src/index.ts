export {
  App,
  type AppOptions,
  type EventStreamHandler,
  type ExceptionHandler,
  type InjectOptions,
  type InjectResponse,
  type Logger,
  type Middleware,
  type WebSocketHandler,
} from './app.ts'
export { BackgroundTaskError, BackgroundTasks } from './background.ts'
export { APIRouter, type RouterOptions } from './collector.ts'
export { RequestContext } from './context.ts'
export {
  CookieError,
  type CookieOptions,
  CookieSigner,
  deleteCookie,
  type SignedValue,
  serializeCookie,
  setCookie,
} from './cookies.ts'
export { type CorsOptions, CorsOptionsError, cors } from './cors.ts'
export {
  Dependency,
  type DependencyInput,
  type DependencyMap,
  type DependencyParamValues,
  type DependencyScope,
  type DependencyValues,
  Depends,
  type DependsOptions,
} from './depends.ts'
export { type DocsOptions, mountDocs } from './docs.ts'
export {
  HTTPException,
  MiddlewareError,
  RequestValidationError,
  ResponseValidationError,
  RouteDefinitionError,
  type ValidationIssue,
} from './errors.ts'
export { type Exchange, NodeExchange } from './exchange.ts'
export type { RouteInfo } from './middleware.ts'
export { type FieldPart, type FilePart, type FormData, type FormValue, type Part, UploadFile } from './multipart.ts'
export { type OffloadInput, type OffloadOptions, offload } from './offload.ts'
export { defaultOperationId, type OpenAPIInfo, type ResponseDoc, type RouteDocs } from './openapi.ts'
export { named } from './openapi-schemas.ts'
export { type FileInit, Response, type ResponseInit } from './response.ts'
export type { Handler, HandlerArgs, RouteConfig } from './route.ts'
export type { InferInput, InferOutput, StandardSchemaV1 } from './schema.ts'
export {
  APIKeyCookie,
  APIKeyHeader,
  APIKeyQuery,
  type HTTPAuthorizationCredentials,
  HTTPBasic,
  type HTTPBasicCredentials,
  HTTPBearer,
  OAuth2PasswordBearer,
  Security,
  type SecurityScopes,
  securityScopes,
} from './security.ts'
export { type ListenOptions, listen, type RunningServer } from './server.ts'
export { type StaticFilesOptions, staticFiles, UnsafePathError } from './static-files.ts'
export { type CloseInfo, type Message, Room, WebSocketConnection, type WebSocketOptions } from './websocket.ts'
