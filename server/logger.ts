/**
 * The server's logger: pino, as JSON lines for a log collector, or as
 * readable, coloured lines (pino-pretty) for a person at a terminal.
 */
import type { Writable } from 'node:stream';
import { type Logger, pino } from 'pino';
import pretty from 'pino-pretty';

export type LogFormat = 'pretty' | 'json';

export interface LoggerOptions {
  /** Pino level. */
  level: string;
  /** @default 'pretty' when stdout is a terminal, else 'json' */
  format?: LogFormat;
  /** Where lines go. @default stdout */
  destination?: Writable;
}

function defaultLogFormat(): LogFormat {
  return process.stdout.isTTY ? 'pretty' : 'json';
}

export function createLogger(options: LoggerOptions): Logger {
  const base = { level: options.level, base: undefined };
  if ((options.format ?? defaultLogFormat()) === 'json') {
    return options.destination ? pino(base, options.destination) : pino(base);
  }
  const stream = pretty({
    colorize: options.destination === undefined && Boolean(process.stdout.isTTY),
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname',
    sync: true,
    ...(options.destination ? { destination: options.destination } : {}),
  });
  return pino(base, stream);
}
