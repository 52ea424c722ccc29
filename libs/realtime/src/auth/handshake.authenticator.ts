import {
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  Logger,
  type CanActivate,
  type Type,
} from '@nestjs/common';
import { DiscoveryService, ModuleRef } from '@nestjs/core';
import type { IncomingMessage } from 'node:http';
import { isObservable, lastValueFrom } from 'rxjs';
import { HANDSHAKE_GUARDS_METADATA, REALTIME_OPTIONS } from '../realtime.constants';
import * as messages from '../realtime.messages';
import type { ResolvedRealtimeOptions } from '../options/resolved-realtime-options.interface';
import { HandshakeExecutionContext } from './handshake-execution-context';
import { HandshakeRejection } from './handshake-rejection';
import type { RealtimePrincipal } from './realtime-principal.interface';

/** Stands in for the handler in the guards' execution context when the gateway has no `handleConnection`. */
function noHandler(): void {}

/** The guards of one gateway, ready to run against upgrade requests. */
export interface HandshakeGuardChain {
  readonly gateway: Type;
  readonly guards: readonly CanActivate[];
  /** What `context.getHandler()` returns to the guards. */
  readonly handler: (...args: never[]) => unknown;
}

/**
 * Runs a gateway's `@HandshakeGuards()` on an upgrade request and turns the outcome into a
 * principal or an HTTP status. Guards are resolved through Nest DI in the gateway's own module,
 * as `@UseGuards()` guards are.
 */
@Injectable()
export class HandshakeAuthenticator {
  private readonly logger = new Logger('HandshakeAuthenticator');

  constructor(
    @Inject(REALTIME_OPTIONS) private readonly options: ResolvedRealtimeOptions,
    private readonly discovery: DiscoveryService,
    private readonly moduleRef: ModuleRef,
  ) {}

  /** Reads a gateway's handshake guards and instantiates them; `undefined` if it declares none. */
  async resolve(gateway: Type): Promise<HandshakeGuardChain | undefined> {
    const declared = Reflect.getMetadata(HANDSHAKE_GUARDS_METADATA, gateway) as
      (Type<CanActivate> | CanActivate)[] | undefined;
    if (declared === undefined || declared.length === 0) return undefined;
    const guards = await Promise.all(declared.map((guard) => this.instantiate(guard, gateway)));
    const prototype = gateway.prototype as { handleConnection?: (...args: never[]) => unknown };
    return { gateway, guards, handler: prototype.handleConnection ?? noHandler };
  }

  /**
   * Runs every guard in order; the first refusal wins.
   *
   * @throws HandshakeRejection with the HTTP status to answer.
   */
  async authenticate(
    request: IncomingMessage,
    chain: HandshakeGuardChain,
  ): Promise<RealtimePrincipal> {
    const context = new HandshakeExecutionContext(request, chain.gateway, chain.handler);
    for (const guard of chain.guards) {
      let allowed: unknown;
      try {
        allowed = guard.canActivate(context);
        if (isObservable(allowed)) allowed = await lastValueFrom(allowed);
        else if (allowed instanceof Promise) allowed = await allowed;
      } catch (error) {
        throw this.toRejection(error);
      }
      if (allowed !== true) throw new HandshakeRejection(HttpStatus.FORBIDDEN);
    }
    try {
      return this.options.resolvePrincipal(request);
    } catch (error) {
      this.logger.error(
        messages.unidentifiedUser(),
        error instanceof Error ? error.stack : undefined,
      );
      throw new HandshakeRejection(HttpStatus.INTERNAL_SERVER_ERROR);
    }
  }

  private toRejection(error: unknown): HandshakeRejection {
    if (error instanceof HttpException) return new HandshakeRejection(error.getStatus());
    this.logger.error(
      messages.handshakeGuardFailed(),
      error instanceof Error ? error.stack : String(error),
    );
    return new HandshakeRejection(HttpStatus.INTERNAL_SERVER_ERROR);
  }

  private async instantiate(
    guard: Type<CanActivate> | CanActivate,
    gateway: Type,
  ): Promise<CanActivate> {
    if (typeof guard !== 'function') return guard;
    try {
      return this.moduleRef.get(guard, { strict: false });
    } catch {
      // Not a provider anywhere: build it the way Nest builds a @UseGuards() guard, with the
      // dependencies visible from the gateway's module.
      return this.gatewayModuleRef(gateway).create(guard);
    }
  }

  private gatewayModuleRef(gateway: Type): ModuleRef {
    const wrapper = this.discovery
      .getProviders()
      .find((candidate) => candidate.metatype === gateway);
    const moduleRef = wrapper?.host?.getProviderByKey<ModuleRef>(ModuleRef)?.instance;
    return moduleRef ?? this.moduleRef;
  }
}
