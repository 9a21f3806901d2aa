// The `citus` project runs this repository's application against the distributed schema (prisma/citus): its
// catalog replaces prisma/schema.prisma's at run time (same models and columns; composite keys), as an
// application whose only schema is the distributed one would register it.
import '../../prisma/app/index.ts';
import '../../prisma/generated/citus/window-ledger.ts';
