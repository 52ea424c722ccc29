import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { Observable } from 'rxjs';

/** Ported from nestjs/nest integration/websockets/src/request.interceptor.ts (MIT). */
@Injectable()
export class RequestInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const client = context.switchToWs().getClient<{ pattern?: string }>();
    const pattern = context.switchToWs().getPattern();
    client.pattern = pattern;
    return next.handle();
  }
}
