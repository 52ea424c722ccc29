import { RequestMethod } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import pino, { type Level, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { LoggingSettings } from '../config';
import { serializeRequest, serializeResponse } from './log-redaction';
import { requestIdOf } from './request-id';

/** The process's root pino logger, at `settings.level`, as JSON lines or pretty text on stdout. */
export function createRootLogger(settings: LoggingSettings): Logger {
  // Credentials are left out by the serializers (log-redaction.ts), once per line.
  const options = {
    level: settings.level,
    serializers: { req: serializeRequest, res: serializeResponse },
  };
  // Synchronous in both formats, on this thread: nothing is lost when the process exits, and
  // no worker thread runs beside the server (pino's `transport` would start one).
  return settings.format === 'pretty' ? pino(options, pretty({ sync: true })) : pino(options);
}

/**
 * `LoggerModule` parameters: one line per HTTP request and response (no bodies), with a request
 * id that Nest's own log lines inside the request carry too.
 */
export function createLoggerParams(settings: LoggingSettings): Params {
  return {
    pinoHttp: {
      logger: createRootLogger(settings),
      genReqId: requestIdOf,
      // The root logger's, again: pino-http would otherwise put its defaults on its own lines.
      serializers: { req: serializeRequest, res: serializeResponse },
      // Lines logged while handling a request carry its id, not the whole request again.
      quietReqLogger: true,
      customLogLevel: requestLogLevel,
      // Probes and scrapes come every few seconds from machines, not people: their lines would
      // drown the others. They still get a request id.
      autoLogging: { ignore: isProbe },
    },
    // Every request: Express 5's spelling of "every path" (nestjs-pino's default `*` is the
    // legacy one, which Nest converts with a warning).
    forRoutes: [{ path: '/{*path}', method: RequestMethod.ALL }],
  };
}

/** `/health`, `/health/live`, `/health/ready` and `/metrics`. */
function isProbe(request: IncomingMessage): boolean {
  return /^\/(health|metrics)(\/|\?|$)/.test(request.url ?? '');
}

/** Server errors stand out; everything else, 4xx included (clients' mistakes), is routine. */
function requestLogLevel(
  _request: IncomingMessage,
  response: ServerResponse,
  error: Error | undefined,
): Level {
  return error !== undefined || response.statusCode >= 500 ? 'error' : 'info';
}
