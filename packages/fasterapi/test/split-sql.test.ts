import { describe, expect, it } from 'vitest'
import { splitStatements } from '../src/internal/split-sql.ts'

describe('splitStatements', () => {
  it('splits at top-level semicolons only', () => {
    const script = `create table t (a text default 'x;y', "b;c" int); -- a comment; with a semicolon
/* block; /* nested; */ still comment; */
create function f() returns int language sql as $body$ select 1; $body$;
insert into t (a) values (E'it''s; fine');;
do $$ begin perform 1; end $$`
    expect(splitStatements(script)).toEqual([
      `create table t (a text default 'x;y', "b;c" int)`,
      `-- a comment; with a semicolon\n/* block; /* nested; */ still comment; */\ncreate function f() returns int language sql as $body$ select 1; $body$`,
      `insert into t (a) values (E'it''s; fine')`,
      'do $$ begin perform 1; end $$',
    ])
  })

  it('drops statements that are only comments or whitespace', () => {
    expect(splitStatements('  ;\n-- nothing here\n; /* nor here */ ')).toEqual([])
  })
})
