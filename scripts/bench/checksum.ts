/**
 * A checksum of running totals, the same for every client that read them: the last total of each partition, as
 * a normalised decimal (a peer's '12.50' and the repository's Decimal 12.5 agree).
 */
import { createHash } from 'node:crypto';

import { Prisma } from '../../prisma/generated/prisma/client.ts';

/** Folds rows into the checksum: remembers the last total of each partition, normalised as a Decimal string. */
export class Checksum {
  private readonly hash = createHash('sha256');
  private account: number | undefined;
  private total: unknown;
  add(account: number, total: unknown): void {
    if (this.account !== undefined && account !== this.account) this.flush();
    this.account = account;
    this.total = total;
  }
  private flush(): void {
    this.hash.update(`${this.account}:${new Prisma.Decimal(String(this.total)).toFixed()};`);
  }
  digest(): string {
    if (this.account !== undefined) this.flush();
    return this.hash.digest('hex').slice(0, 16);
  }
}

