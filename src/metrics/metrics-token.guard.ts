import {
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { AppConfigService } from '../config';
import * as messages from './metrics.messages';

/** SHA-256 of a token: equal-length inputs for `timingSafeEqual`, whatever the lengths sent. */
function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/**
 * Guards `GET /metrics` with METRICS_TOKEN when it is set: the request must carry
 * `Authorization: Bearer <METRICS_TOKEN>`, else 401 with `WWW-Authenticate: Bearer`. The
 * comparison takes the same time whatever matches (digests compared in constant time), and the
 * token is never logged (the request logger redacts `Authorization`). Unset, it lets every
 * request through.
 */
@Injectable()
export class MetricsTokenGuard implements CanActivate {
  private readonly expected: Buffer | undefined;

  constructor(config: AppConfigService) {
    const token = config.metricsToken;
    this.expected = token === undefined ? undefined : digest(token);
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.expected === undefined) return true;
    const http = context.switchToHttp();
    const header = http.getRequest<Request>().headers.authorization;
    const match = header === undefined ? null : /^Bearer +(\S+) *$/i.exec(header);
    if (match !== null && timingSafeEqual(digest(match[1]), this.expected)) return true;
    http.getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
    throw new UnauthorizedException(messages.metricsTokenRequired());
  }
}
