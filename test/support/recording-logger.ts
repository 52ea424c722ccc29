import { ConsoleLogger, type LogLevel } from '@nestjs/common';

/** One line a {@link RecordingLogger} was given. */
export interface RecordedLine {
  level: LogLevel;
  context: string | undefined;
  message: string;
}

/**
 * A Nest logger that keeps every line it is given (`log` and above) instead of printing it, so
 * a test can await an operator's line and read it (and expected errors do not clutter the run).
 * A wait that times out lists the lines it saw.
 */
export class RecordingLogger extends ConsoleLogger {
  readonly lines: RecordedLine[] = [];
  private readonly waiters = new Set<() => void>();

  constructor() {
    super('', { logLevels: ['error', 'warn', 'log'] });
  }

  override log(message: unknown, context?: string): void {
    this.record('log', message, context);
  }

  override warn(message: unknown, context?: string): void {
    this.record('warn', message, context);
  }

  override error(message: unknown, stackOrContext?: string, context?: string): void {
    this.record('error', message, context ?? stackOrContext);
  }

  /** Resolves with the first line (already given or to come) whose message matches `pattern`. */
  next(pattern: RegExp, timeoutMs = 10_000): Promise<RecordedLine> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const line = this.lines.find((candidate) => pattern.test(candidate.message));
        if (line === undefined) return false;
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve(line);
        return true;
      };
      const wake = (): void => void check();
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        const seen = this.lines.map((line) => `  ${line.level} [${line.context}] ${line.message}`);
        reject(
          new Error(
            `no log line matched ${pattern} within ${timeoutMs} ms; seen:\n${seen.join('\n')}`,
          ),
        );
      }, timeoutMs);
      if (!check()) this.waiters.add(wake);
    });
  }

  private record(level: LogLevel, message: unknown, context: string | undefined): void {
    this.lines.push({ level, context, message: String(message) });
    for (const wake of [...this.waiters]) wake();
  }
}
