// Type OIDs from the server's catalog (src/include/catalog/pg_type.dat); stable across versions.

export const BOOL = 16
export const BYTEA = 17
export const CHAR = 18
export const NAME = 19
export const INT8 = 20
export const INT2 = 21
export const INT4 = 23
export const TEXT = 25
export const OID = 26
export const JSON_OID = 114
export const XML = 142
export const FLOAT4 = 700
export const FLOAT8 = 701
export const BPCHAR = 1042
export const VARCHAR = 1043
export const DATE = 1082
export const TIME = 1083
export const TIMESTAMP = 1114
export const TIMESTAMPTZ = 1184
export const INTERVAL = 1186
export const NUMERIC = 1700
export const UUID = 2950
export const JSONB = 3802

/** Array type OID → element type OID, for the types we decode. */
export const ARRAY_ELEMENT: ReadonlyMap<number, number> = new Map([
  [1000, BOOL],
  [1001, BYTEA],
  [1002, CHAR],
  [1003, NAME],
  [1016, INT8],
  [1005, INT2],
  [1007, INT4],
  [1009, TEXT],
  [1028, OID],
  [199, JSON_OID],
  [143, XML],
  [1021, FLOAT4],
  [1022, FLOAT8],
  [1014, BPCHAR],
  [1015, VARCHAR],
  [1182, DATE],
  [1183, TIME],
  [1115, TIMESTAMP],
  [1185, TIMESTAMPTZ],
  [1187, INTERVAL],
  [1231, NUMERIC],
  [2951, UUID],
  [3807, JSONB],
])
