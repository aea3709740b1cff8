/**
 * Logging: pino to stderr (stdout carries only the report). Created once by the CLI or a server
 * and passed down; library code takes a Logger and never imports a global one.
 */
import { pino } from 'pino';

export const LOG_LEVELS = ['silent', 'error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Logger {
  error(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  info(fields: object, message: string): void;
  debug(fields: object, message: string): void;
  child(fields: object): Logger;
}

export function createLogger(level: LogLevel = 'warn'): Logger {
  return pino({ level, base: undefined }, pino.destination(2));
}

/** A logger that drops everything: the default for library calls. */
export const silentLogger: Logger = {
  error() {},
  warn() {},
  info() {},
  debug() {},
  child() {
    return silentLogger;
  },
};
