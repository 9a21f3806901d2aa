/** Catalog columns as the generator writes them, for tests of types and shapes this repository's schema lacks. */
import type { CatalogColumn, ColumnInfo } from '../../src/window/catalog.ts';

/** A NOT NULL scalar column named `name` of Prisma type `type`; `over` sets what the case is about. */
export function catalogColumn(name: string, type: string, over: Partial<CatalogColumn> = {}): CatalogColumn {
  return {
    column: name,
    type,
    kind: 'scalar',
    nullable: false,
    isList: false,
    nativeType: null,
    isId: false,
    unique: false,
    default: null,
    updatedAt: false,
    relation: null,
    ...over,
  };
}

/** The same column as `columnInfo` returns it (with its field name), field and column both `f`. */
export function columnInfoOf(type: string, over: Partial<ColumnInfo> = {}): ColumnInfo {
  return { field: 'f', ...catalogColumn('f', type), ...over };
}

/**
 * The columns of a small ledger table the tests of column types build around (`id bigserial`, `shard int`,
 * `at timestamptz(6)`, `value numeric(12, 2)`): a model partitioned by `shard`, ordered by `at`, summing `value`.
 */
export function shardLedgerColumns(): Record<'id' | 'shard' | 'at' | 'value', CatalogColumn> {
  return {
    id: catalogColumn('id', 'BigInt', { isId: true, unique: true, default: { function: 'autoincrement', args: [] } }),
    shard: catalogColumn('shard', 'Int'),
    at: catalogColumn('at', 'DateTime', { nativeType: ['Timestamptz', ['6']] }),
    value: catalogColumn('value', 'Decimal', { nativeType: ['Decimal', ['12', '2']] }),
  };
}
