import { WindowSpecError } from '../errors.ts';
import { requireCheckpointModel, type CheckpointTable } from '../validation/checkpoint-model.ts';
import { describe } from '../validation/dates.ts';
import { requireFieldRoles } from '../validation/model-definition.ts';
import { columnRef, schemaOf, tableNameOf, tableNameRef, tableRef, type FieldOf, type ModelName } from '../window/catalog.ts';

const MAX_IDENTIFIER = 63;

/** The names of the function and triggers `balanceCheckpointsSql` creates, derived from the checkpoint table's name. */
export function checkpointTriggerNames(checkpoints: CheckpointTable): { readonly fn: string; readonly triggers: readonly string[] } {
  const base = tableNameOf(checkpoints.model);
  const names = { fn: `${base}_invalidate`, triggers: ['insert', 'update', 'delete', 'truncate'].map((event) => `${base}_after_${event}`) };
  const tooLong = [names.fn, ...names.triggers].find((name) => Buffer.byteLength(name) > MAX_IDENTIFIER);
  if (tooLong !== undefined) {
    throw new WindowSpecError(`Balance checkpoints in ${checkpoints.model}: the trigger name ${tooLong} would exceed PostgreSQL's 63 bytes; map the table to a shorter name (@@map).`);
  }
  return names;
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * The SQL that keeps a ledger's balance checkpoints exact whatever writes it: statement-level triggers on the
 * ledger (insert, update, delete, truncate) that delete every checkpoint a write reaches back to — the
 * partition's checkpoints at or after the earliest order value the statement inserted, removed or changed (old
 * and new values of an update). Put it in a migration after the checkpoint table's (`prisma migrate dev
 * --create-only`, then append it); `writeCheckpoints` refuses to run without these triggers. One statement's
 * rows are read once from its transition tables, so a bulk insert pays one grouped DELETE, not one per row.
 *
 * ```ts
 * console.log(balanceCheckpointsSql({ model: 'Transaction', partitionBy: 'accountId', orderBy: 'createdAt', amount: 'amount', checkpoints: 'TransactionCheckpoint' }));
 * // CREATE OR REPLACE FUNCTION "transaction_checkpoints_invalidate"() RETURNS trigger LANGUAGE plpgsql AS $$ ...
 * // CREATE TRIGGER "transaction_checkpoints_after_insert" AFTER INSERT ON "Transaction" REFERENCING NEW TABLE AS new_rows ...
 * ```
 */
export function checkpointTriggersSql(ledger: ModelName, orderBy: string, checkpoints: CheckpointTable): string {
  const { fn, triggers } = checkpointTriggerNames(checkpoints);
  const schema = schemaOf(checkpoints.model);
  const fnRef = schema ? `${quote(schema)}.${quote(fn)}` : quote(fn);
  const target = ddlTableRef(checkpoints.model);
  const table = ddlTableRef(ledger);
  const keys = checkpoints.partitionBy.map((field) => columnRef(ledger, field).text);
  const order = columnRef(ledger, orderBy).text;
  const matches = checkpoints.partitionBy
    .map((field, i) => `c.${columnRef(checkpoints.model, field).text} = changed.${keys[i]!}`)
    .concat(`c.${columnRef(checkpoints.model, checkpoints.through).text} >= changed.since`)
    .join(' AND ');
  const invalidate = (rows: string) =>
    `DELETE FROM ${target} AS c USING (SELECT ${keys.join(', ')}, min(${order}) AS since FROM (${rows}) AS written GROUP BY ${keys.join(', ')}) AS changed\n      WHERE ${matches};`;
  const columns = [...keys, order].join(', ');
  const [onInsert, onUpdate, onDelete, onTruncate] = triggers.map(quote) as [string, string, string, string];
  return `-- Balance checkpoints of ${table} in ${target} stay exact: a write that reaches back to or before a checkpoint
-- deletes it (and the partition's later ones); balances are then summed from the checkpoint before it. A REPEATABLE
-- READ writer is refused: its snapshot could predate a checkpoint it would then fail to delete (writeCheckpoints
-- runs SERIALIZABLE, so SERIALIZABLE writers are ordered with it, and READ COMMITTED ones wait for its lock).
CREATE OR REPLACE FUNCTION ${fnRef}() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  IF current_setting('transaction_isolation') = 'repeatable read' THEN
    RAISE EXCEPTION 'writes to ${table.replaceAll("'", "''")} run at READ COMMITTED or SERIALIZABLE, not REPEATABLE READ: its balance checkpoints could go stale'
      USING ERRCODE = 'feature_not_supported';
  END IF;
  IF TG_OP = 'TRUNCATE' THEN
    DELETE FROM ${target};
  ELSIF TG_OP = 'INSERT' THEN
    ${invalidate(`SELECT ${columns} FROM new_rows`)}
  ELSIF TG_OP = 'DELETE' THEN
    ${invalidate(`SELECT ${columns} FROM old_rows`)}
  ELSE
    ${invalidate(`SELECT ${columns} FROM old_rows UNION ALL SELECT ${columns} FROM new_rows`)}
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER ${onInsert} AFTER INSERT ON ${table} REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${fnRef}();
CREATE TRIGGER ${onUpdate} AFTER UPDATE ON ${table} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${fnRef}();
CREATE TRIGGER ${onDelete} AFTER DELETE ON ${table} REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ${fnRef}();
CREATE TRIGGER ${onTruncate} AFTER TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION ${fnRef}();
-- Also when rows are applied by logical replication (session_replication_role = replica).
ALTER TABLE ${table} ENABLE ALWAYS TRIGGER ${onInsert}, ENABLE ALWAYS TRIGGER ${onUpdate}, ENABLE ALWAYS TRIGGER ${onDelete}, ENABLE ALWAYS TRIGGER ${onTruncate};
`;
}

/**
 * The trigger SQL of a ledger's balance checkpoints (see `checkpointTriggersSql`), for a migration: the ledger
 * model and its window fields, and the checkpoint model (checked like a repository checks it).
 * ```ts
 * import { balanceCheckpointsSql } from 'prisma-window-ledger';
 * writeFileSync('prisma/migrations/20261126000000_payment_checkpoints/migration.sql',
 *   createTableSql + balanceCheckpointsSql({ model: 'Payment', partitionBy: 'merchantId', orderBy: 'paidAt', amount: 'amount', checkpoints: 'PaymentCheckpoint' }));
 * ```
 */
export function balanceCheckpointsSql<M extends ModelName>(definition: {
  readonly model: M;
  readonly partitionBy: FieldOf<M> | readonly FieldOf<M>[];
  readonly orderBy: FieldOf<M>;
  readonly amount: FieldOf<M>;
  readonly checkpoints: ModelName;
}): string {
  // Checked as a repository's definition is (this runs from migration scripts, often plain JavaScript).
  if (typeof definition !== 'object' || definition === null || typeof definition.model !== 'string') {
    throw new WindowSpecError(`balanceCheckpointsSql needs { model, partitionBy, orderBy, amount, checkpoints }, got ${describe(definition)}.`);
  }
  const { model } = definition;
  const roles = requireFieldRoles(model, definition);
  const checkpoints = requireCheckpointModel(model, definition.checkpoints, roles);
  return checkpointTriggersSql(model, roles.orderBy as FieldOf<M>, checkpoints);
}

// A table as the trigger DDL names it: with its @@schema, else by name alone, as migrations written with earlier
// versions have it (the triggers must stay the text a migration already holds).
function ddlTableRef(model: ModelName): string {
  return (schemaOf(model) ? tableRef(model) : tableNameRef(model)).text;
}
