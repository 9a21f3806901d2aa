/** The machine a bench run measured: recorded with every run in BENCHMARKS.md. */
import { cpus } from 'node:os';

import type { PrismaClient } from '../../prisma/generated/prisma/client.ts';

export interface Machine {
  readonly cores: number;
  readonly cpuModel: string;
  readonly postgres: string;
  /** e.g. "shared_buffers 128MB, work_mem 4MB, jit on". */
  readonly settings: string;
  readonly node: string;
}

export async function describeMachine(prisma: PrismaClient, kind: string): Promise<Machine> {
  const [row] = await prisma.$queryRaw<Array<{ version: string; sb: string; wm: string; jit: string }>>`
    SELECT current_setting('server_version') AS version, current_setting('shared_buffers') AS sb,
           current_setting('work_mem') AS wm, current_setting('jit') AS jit`;
  const list = cpus();
  return {
    cores: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown CPU',
    postgres: `PostgreSQL ${row?.version ?? '?'} (${kind})`,
    settings: `shared_buffers ${row?.sb}, work_mem ${row?.wm}, jit ${row?.jit}`,
    node: `Node ${process.version}`,
  };
}

export const machineLine = (m: Machine): string =>
  `${m.cores} cores (${m.cpuModel}), ${m.postgres}: ${m.settings}; ${m.node}`;
