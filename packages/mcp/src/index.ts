import './app-method.ts' // installs app.mcp(options) and its type on App

export type { ContentItem, ToolResult } from './call.ts'
export { ErrorCode, McpConfigError, McpRequestError } from './errors.ts'
export { McpServer, mcp } from './mcp.ts'
export type { OAuthOptions } from './oauth.ts'
export type { McpOptions } from './options.ts'
export type { PromptMessage, PromptOptions, PromptOutput } from './prompts.ts'
export type { ResourceDefinition } from './resources.ts'
export type { RouteFilter, RouteTarget, ToolDefinition } from './tools.ts'
