/**
 * Program output, split into lines: each line goes to a log sink as it arrives, and the last ones are kept for
 * error messages.
 */
export class LogTail {
  readonly lines: string[] = [];
  private total = 0;

  constructor(
    private readonly sink: (line: string) => void,
    private readonly keep = 60,
  ) {}

  push = (chunk: string): void => {
    for (const raw of chunk.split(/\r?\n/)) {
      const line = raw.trimEnd();
      if (line === '') continue;
      this.lines.push(line);
      this.total++;
      if (this.lines.length > this.keep) this.lines.shift();
      try {
        this.sink(line);
      } catch {
        // A throwing log sink must not break the database.
      }
    }
  };

  mark(): number {
    return this.total;
  }

  /** The retained lines pushed after `mark`. */
  since(mark: number): string {
    return this.lines.slice(Math.max(0, this.lines.length - (this.total - mark))).join('\n');
  }
}
