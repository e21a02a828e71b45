/**
 * Finds stop strings in streamed text even when they straddle token boundaries, and says how
 * much of the text is safe to emit: the tail that could still become a stop string is held back.
 */
export class StopStringMatcher {
  private readonly stops: readonly string[];
  private readonly longest: number;

  constructor(stops: readonly string[] | undefined) {
    this.stops = (stops ?? []).filter((stop) => stop.length > 0);
    this.longest = this.stops.reduce((max, stop) => Math.max(max, stop.length), 0);
  }

  get active(): boolean {
    return this.longest > 0;
  }

  /** Index of the earliest stop string in `text` that ends after `previousLength`, or -1. */
  findStop(text: string, previousLength: number): number {
    if (!this.active) return -1;
    const from = Math.max(0, previousLength - this.longest + 1);
    let found = -1;
    for (const stop of this.stops) {
      const at = text.indexOf(stop, from);
      if (at >= 0 && (found < 0 || at < found)) found = at;
    }
    return found;
  }

  /** Length of the prefix of `text` that cannot be the start of a stop string. */
  safeLength(text: string): number {
    if (!this.active) return text.length;
    for (let keep = Math.min(this.longest - 1, text.length); keep > 0; keep--) {
      const tail = text.slice(text.length - keep);
      if (this.stops.some((stop) => stop.startsWith(tail))) return text.length - keep;
    }
    return text.length;
  }
}
