/** A one-line progress bar on stderr (plain lines when stderr is not a terminal). */
export class Progress {
  private done = 0;
  private readonly started = performance.now();

  constructor(
    private readonly label: string,
    private readonly total: number,
  ) {}

  /** A line of detail between ticks (kept on screen: it ends the current bar line). */
  note(text: string): void {
    process.stderr.write(`${process.stderr.isTTY ? '\r' : ''}${text}\n`);
  }

  tick(what: string): void {
    this.done += 1;
    const width = 24;
    const filled = Math.round((this.done / this.total) * width);
    const elapsed = (performance.now() - this.started) / 1000;
    const eta = this.done > 0 ? (elapsed / this.done) * (this.total - this.done) : 0;
    const line = `${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${this.done}/${this.total} ${what} (${elapsed.toFixed(0)}s, ~${eta.toFixed(0)}s left)`;
    if (process.stderr.isTTY)
      process.stderr.write(
        `\r${line.padEnd(110).slice(0, 110)}${this.done === this.total ? '\n' : ''}`,
      );
    else process.stderr.write(`${line}\n`);
  }
}
