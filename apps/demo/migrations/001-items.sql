-- items sold in the demo shop; `cost` is internal and never leaves the server (see the response schema)
create table items (
  id bigint generated always as identity primary key,
  name text not null check (length(name) between 1 and 100),
  price numeric(10, 2) not null check (price > 0),
  cost numeric(10, 2) not null default 0,
  tags text[] not null default '{}',
  created_at timestamptz not null default now()
);
create index items_price on items (price);
