/** What the bench sections produce: measurements (table rows) and ratios (the results, with goals where the issue sets one). */

export interface Measurement {
  readonly section: string;
  readonly what: string;
  readonly rows: number;
  /** Median wall-clock ms (or the single run's). */
  readonly ms: number;
  /** Extra facts: plan, peak RSS, runs. */
  readonly detail?: string;
}

export interface Goal {
  /** e.g. "≥ 0.8x". */
  readonly text: string;
  readonly met: boolean;
  /** Why it was missed (filled in when `met` is false). */
  readonly why?: string;
}

export interface Ratio {
  readonly section: string;
  /** e.g. "keyset stream / pg-cursor throughput". */
  readonly name: string;
  readonly value: number;
  /** How to read it: "x" for a ratio, "MB" for an absolute memory figure. */
  readonly unit: 'x' | 'MB';
  readonly goal?: Goal;
  readonly note?: string;
}

export interface SectionResult {
  readonly measurements: Measurement[];
  readonly ratios: Ratio[];
}

export const fmtRatio = (r: Ratio): string => (r.unit === 'MB' ? `${Math.round(r.value)} MB` : `${r.value.toFixed(r.value < 10 ? 2 : 0)}x`);
