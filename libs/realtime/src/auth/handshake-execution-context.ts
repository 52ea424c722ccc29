import type { ContextType, ExecutionContext, Type } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';

// Not exported from @nestjs/common's root; named through the public interface instead.
type HttpArgumentsHost = ReturnType<ExecutionContext['switchToHttp']>;
type RpcArgumentsHost = ReturnType<ExecutionContext['switchToRpc']>;
type WsArgumentsHost = ReturnType<ExecutionContext['switchToWs']>;

/**
 * The execution context handshake guards run in: an HTTP context whose request is the upgrade
 * request (so `switchToHttp().getRequest()` guards, Passport's among them, work unchanged).
 * Written here against `ExecutionContext`, Nest's public interface, rather than borrowing
 * `@nestjs/core`'s internal `ExecutionContextHost`, which no semver range covers.
 */
export class HandshakeExecutionContext implements ExecutionContext {
  private readonly args: [IncomingMessage, undefined, undefined];

  constructor(
    request: IncomingMessage,
    private readonly gateway: Type,
    private readonly handler: (...args: never[]) => unknown,
  ) {
    this.args = [request, undefined, undefined];
  }

  getClass<T>(): Type<T> {
    return this.gateway as Type<T>;
  }

  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- ExecutionContext's own signature
  getHandler(): Function {
    return this.handler;
  }

  getArgs<T extends unknown[]>(): T {
    return this.args as unknown as T;
  }

  getArgByIndex<T>(index: number): T {
    return this.args[index] as T;
  }

  getType<TContext extends string = ContextType>(): TContext {
    return 'http' as TContext;
  }

  // The three views read the same argument slots as Nest's own context does.
  switchToHttp(): HttpArgumentsHost {
    return {
      getRequest: <T>() => this.getArgByIndex<T>(0),
      getResponse: <T>() => this.getArgByIndex<T>(1),
      getNext: <T>() => this.getArgByIndex<T>(2),
    };
  }

  switchToRpc(): RpcArgumentsHost {
    return {
      getData: <T>() => this.getArgByIndex<T>(0),
      getContext: <T>() => this.getArgByIndex<T>(1),
    };
  }

  switchToWs(): WsArgumentsHost {
    return {
      getClient: <T>() => this.getArgByIndex<T>(0),
      getData: <T>() => this.getArgByIndex<T>(1),
      getPattern: () => this.getArgByIndex<string>(2),
    };
  }
}
