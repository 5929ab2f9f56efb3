// The umbrella's own errors, each with a stable `code` (the packages it re-exports keep theirs).

export interface SettingsIssue {
  /** The environment variable to set or fix, prefix included: `APP_DB__URL`. */
  variable: string
  /** The field's path in the schema: `['db', 'url']`. */
  path: string[]
  message: string
}

/** Settings that cannot be read: `SETTINGS_INVALID` lists every bad or missing variable in `issues`. */
export class SettingsError extends Error {
  readonly code: 'SETTINGS_INVALID' | 'SETTINGS_ASYNC_SCHEMA' | 'SETTINGS_INVALID_OPTION'
  readonly issues: readonly SettingsIssue[]

  constructor(code: SettingsError['code'], message: string, issues: readonly SettingsIssue[]) {
    super(message)
    this.name = 'SettingsError'
    this.code = code
    this.issues = issues
  }
}

/** `EMBEDDED_PG_UNSUPPORTED` (no server binaries for this platform), `EMBEDDED_PG_FAILED` (initdb or start failed). */
export class EmbeddedPostgresError extends Error {
  readonly code: 'EMBEDDED_PG_UNSUPPORTED' | 'EMBEDDED_PG_FAILED'

  constructor(code: EmbeddedPostgresError['code'], message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'EmbeddedPostgresError'
    this.code = code
  }
}

/** A migration file that failed: `MIGRATION_FAILED`, with the file name and the server's error as `cause`. */
export class MigrationError extends Error {
  readonly code = 'MIGRATION_FAILED'
  readonly file: string

  constructor(file: string, cause: unknown) {
    super(`Migration ${file} failed: ${(cause as Error)?.message ?? cause}`, { cause })
    this.name = 'MigrationError'
    this.file = file
  }
}

/** Bad input to the CLI: a missing or unusable entry, an unknown command or option. `CLI_USAGE`, `CLI_BAD_ENTRY`. */
export class CliError extends Error {
  readonly code: 'CLI_USAGE' | 'CLI_BAD_ENTRY'

  constructor(code: CliError['code'], message: string) {
    super(message)
    this.name = 'CliError'
    this.code = code
  }
}

/** `EVENT_BUS_INVALID_OPTION`, or `EVENT_BUS_CLOSED` for a publish after `close()`. */
export class EventBusError extends Error {
  readonly code: 'EVENT_BUS_INVALID_OPTION' | 'EVENT_BUS_CLOSED'

  constructor(code: EventBusError['code'], message: string) {
    super(message)
    this.name = 'EventBusError'
    this.code = code
  }
}
