import type { Type } from '@nestjs/common';
import type { DiscoveryService } from '@nestjs/core';
import { GATEWAY_METADATA, GATEWAY_OPTIONS, PORT_METADATA } from '@nestjs/websockets/constants';
import { GATEWAY_CLASS_OPTION } from '../realtime.constants';

/**
 * The gateway classes a WebSocket server is created for. Nest tells the adapter only the port and
 * a copy of the gateway's options, so a plain `@WebSocketGateway()` is found among the providers
 * by its port and path (`@RealtimeGateway()` names its class in its options). Nest gives gateways
 * with the same port and path one server, so there may be several.
 */
export function findGatewayClasses(
  discovery: DiscoveryService,
  port: number,
  options: Record<string, unknown>,
): Type[] {
  const named = options[GATEWAY_CLASS_OPTION];
  const found = new Set<Type>();
  for (const wrapper of discovery.getProviders()) {
    const metatype: unknown = wrapper.metatype;
    if (typeof metatype !== 'function' || !Reflect.getMetadata(GATEWAY_METADATA, metatype))
      continue;
    const gatewayOptions = (Reflect.getMetadata(GATEWAY_OPTIONS, metatype) ?? {}) as Record<
      string,
      unknown
    >;
    const gatewayPort = (Reflect.getMetadata(PORT_METADATA, metatype) as number | undefined) ?? 0;
    if (gatewayPort === port && gatewayOptions.path === options.path) found.add(metatype as Type);
  }
  // A class named in the options may be registered only through a dynamic module's provider.
  if (typeof named === 'function') found.add(named as Type);
  return [...found];
}
