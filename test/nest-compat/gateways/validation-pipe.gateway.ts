import {
  ArgumentsHost,
  Catch,
  UseFilters,
  UsePipes,
  ValidationPipe,
  type Type,
} from '@nestjs/common';
import {
  BaseWsExceptionFilter,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { IsString } from 'class-validator';

/** Ported from nestjs/nest integration/websockets/src/validation-pipe.gateway.ts (MIT). */
export class TestModel {
  @IsString()
  stringProp!: string;
}

/** A filter that rethrows what it catches (upstream: the exception ends up uncaught). */
@Catch()
export class AllExceptionsFilter extends BaseWsExceptionFilter {
  override catch(exception: unknown, _host: ArgumentsHost): void {
    throw exception;
  }
}

/** Upstream listens on the fixed port 8080; here the port is the caller's. */
export function validationPipeGateway(port: number): Type {
  @WebSocketGateway(port)
  @UsePipes(new ValidationPipe())
  @UseFilters(new AllExceptionsFilter())
  class ValidationPipeGateway {
    @SubscribeMessage('push')
    onPush(@MessageBody() data: TestModel) {
      return { event: 'push', data };
    }
  }
  return ValidationPipeGateway;
}
