// Runs `prisma generate` on machines that cannot download Prisma's native schema engine.
// `generate` never executes that engine, but the CLI insists on resolving it first; pointing
// PRISMA_SCHEMA_ENGINE_BINARY at any existing file skips the download. A user-provided value wins.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const cli = require.resolve('prisma/build/index.js');
const env = { ...process.env };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;
// prisma/schema.prisma (the client and catalog), then the distributed variant's catalog (prisma/citus/).
for (const schema of ['prisma/schema.prisma', 'prisma/citus/schema.prisma']) {
  const result = spawnSync(process.execPath, [cli, 'generate', '--schema', schema], { stdio: 'inherit', env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
