/**
 * Structured JSON logs. Message text, names and phone numbers are never logged: callers pass
 * ids, kinds and counts only, and the redaction list catches the usual places they could leak.
 */
import pino, { type Logger } from 'pino';
import type { Config } from '../config.js';

export function createLogger(level: Config['logLevel'], destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'jardam' },
      redact: { paths: ['text', '*.text', 'body', '*.body', 'phone', '*.phone', 'from', '*.from', 'req.headers.authorization'], censor: '[redacted]' },
    },
    destination,
  );
}
