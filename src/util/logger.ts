/**
 * The broker's log output: one line per event, with a level, to stderr (stdout stays free for what
 * a command prints on purpose). Tests pass a silent or capturing logger.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export function consoleLogger(minLevel: LogLevel = 'info', write: (line: string) => void = (l) => process.stderr.write(l + '\n')): Logger {
  const at = (level: LogLevel) => (msg: string) => {
    if (ORDER[level] >= ORDER[minLevel]) write(`[${new Date().toISOString()}] ${level.toUpperCase()} ${msg}`);
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
