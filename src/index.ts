/**
 * Public API: repositories for running totals over the models of an application's Prisma schema on PostgreSQL,
 * the window SQL builder they are made of, and the error classes callers branch on.
 */
export {
  RunningTotalRepository,
  type RepositoryOptions,
  type RunningTotalModel,
} from './repositories/running-total-repository.ts';
export {
  defineRunningTotalRepository,
  DerivedRunningTotalRepository,
  type RunningTotalDefinition,
  type RunningTotalRepositoryClass,
  type Validator,
} from './repositories/define-repository.ts';
export type {
  DataRow,
  InputOf,
  InputValue,
  NewRow,
  OptionalInputFieldOf,
  PartitionKey,
  PartitionKeyOf,
  PartitionSpec,
  ResultRow,
  TotalRowOf,
} from './repositories/derived-types.ts';
export type {
  BalanceOptions,
  BucketTotal,
  BucketTotalsOptions,
  PartitionBalance,
  PartitionBucketTotal,
  FrameChoice,
  InsertAndReportOptions,
  RunningTotalOptions,
  WithRunningTotal,
} from './repositories/running-total-options.ts';
export {
  AUTO_UNNEST_MIN_ROWS,
  AUTO_COPY_MIN_ROWS,
  MAX_BATCH_ROWS,
  defaultInsertTimeoutMs,
  type BulkInsertOptions,
  type InsertResult,
  type InsertStrategy,
} from './ingest/bulk-insert.ts';
export { isRetryableTransactionError, withRetry, type RetryOptions } from './retry/retry.ts';
export type { StreamSettingsInput } from './validation/stream-options.ts';
export {
  type DbClient,
  type IsolationLevel,
  type RootDbClient,
  type TransactionClientOf,
  type TransactionOptions,
} from './executor/db-client.ts';
export { transaction, type LedgerTransactionOptions } from './transaction.ts';
export { checkedExplainQuery as explainQuery, checkedInTransaction as inTransaction } from './checked-entry-points.ts';
export {
  windowLedger,
  type LedgerModelDefinition,
  type LedgerModelMethods,
  type LedgerRepository,
  type OnlyKnownKeys,
  type WindowLedgerConfig,
  type WindowLedgerExtension,
  type WindowLedgerModels,
} from './extension/window-ledger.ts';
export { requireModelDefinition } from './validation/model-definition.ts';
export { windowSpec, WindowSpec, type OrderItem, type SortDirection, type NullsOrder } from './window/window-spec.ts';
export {
  RUNNING_RANGE,
  RUNNING_ROWS,
  type Frame,
  type FrameBound,
  type FrameExclusion,
  type FrameMode,
  type FrameOffset,
} from './window/frame.ts';
export { runningTotalQuery, runningTotalSql, type NullPolicy, type RunningTotalQuery } from './window/running-total-query.ts';
export { windowQuery, WindowQuery } from './window/window-query.ts';
export { groupedQuery, GroupedQuery, queryOver, type SourceColumns } from './window/grouped-query.ts';
export type { QuerySource } from './window/window-query.ts';
export type { JoinedModels, JoinedValues, ValueType } from './window/joins.ts';
export type { WindowQueryPage } from './window/query-page.ts';
export {
  windowFunctions,
  type AggregateOptions,
  type SpreadValue,
  type WindowFunction,
  type WindowFunctionResult,
} from './window/functions.ts';
export { conditions, type ComparisonOperator, type Condition } from './window/conditions.ts';
export { expressions } from './window/expressions.ts';
export type {
  AnyExpr,
  ArithmeticType,
  CalendarSqlType,
  CastType,
  Expr,
  ExprValue,
  FieldSqlType,
  MeanSqlType,
  NumericOperand,
  NumericSqlType,
  Operand,
  OperandValue,
  SqlType,
  SqlValue,
  SumSqlType,
} from './window/expression.ts';
export type { OrderKey } from './window/order-key.ts';
export { inList, withinRange } from './window/filters.ts';
export {
  registerWindowCatalog,
  type CatalogColumn,
  type CatalogModel,
  type ColumnDefault,
  type FieldOf,
  type ModelName,
  type Register,
  type WindowCatalog,
  type WindowCatalogShape,
} from './window/catalog.ts';
// Every type an inferred declaration of an app can reach (`declaration: true` needs to name it: TS2742).
export type {
  AmountFieldOf,
  ColumnOf,
  FieldValue,
  IsDefaultedColumn,
  IsGeneratedColumn,
  NonNullFieldValue,
  CatalogColumnValue,
  InsertFieldOf,
  JsonValue,
  ModelRow,
  NumericFieldOf,
  OrderFieldOf,
  PartitionFieldOf,
  ScalarValue,
  SumValue,
  TemporalFieldOf,
  UniqueFieldOf,
} from './window/types.ts';
export type { DecimalInput } from './validation/decimal.ts';
export {
  DatabaseUnavailableError,
  LedgerError,
  PrismaArgumentError,
  QueryFailedError,
  SerializationFailureError,
  TransactionTimeoutError,
  UnexpectedError,
  UnrepresentableValueError,
  ValidationError,
  WindowSpecError,
} from './errors.ts';
export { mapDatabaseError } from './executor/map-database-error.ts';
export { InvalidCursorError, CursorCodec } from './streaming/page-cursor.ts';
export type { Page } from './streaming/keyset-page.ts';
export type { RunningTotalPlan } from './streaming/running-total-plan.ts';
/** `runningTotalsSql(options, scope)`: `'partition'` (per partition) or `'global'` (one total across them). */
export type { Scope } from './streaming/plan-from-options.ts';
export type { PageOptions } from './repositories/running-total-options.ts';
export {
  summarizePlan,
  describeWindowFeed,
  formatPlanTree,
  ExplainFormatError,
  type ExplainOptions,
  type DistributedScan,
  type PlanNode,
  type PlanSummary,
  type RawExplain,
  type RawPlanNode,
  type WindowAggFeed,
} from './explain/index.ts';
export { balanceCheckpointsSql } from './streaming/checkpoint-ddl.ts';
export { requireCheckpointModel, type CheckpointTable } from './validation/checkpoint-model.ts';
export { SESSION_OPTIONS } from './executor/session-options.ts';
export { BUCKETS, COMPARE_PERIODS, requireTimeZone, type Bucket, type ComparePeriod } from './validation/bucket-options.ts';
export { SessionTimeZoneError } from './ingest/session-time-zone.ts';
