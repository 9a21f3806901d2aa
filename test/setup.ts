// Every test file runs as part of this repository's application: its models' catalog is registered before any
// test builds a query, as an application does by importing the module its `generator windowLedger` writes.
import '../prisma/app/index.ts';
