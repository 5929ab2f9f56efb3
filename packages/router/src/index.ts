export {
  DuplicateRouteError,
  InvalidPatternError,
  MalformedPathError,
  ParamConflictError,
  PathTooLongError,
  RouterError,
} from './errors.ts'
export type {
  MatchResult,
  Params,
  RouteBadPath,
  RouteFound,
  RouteMethodNotAllowed,
  RouteNotFound,
} from './match.ts'
export type { ParamsOf } from './params.ts'
export type { Route, RouteOptions } from './route.ts'
export { ANY_METHOD, Router, type RouterOptions } from './router.ts'
