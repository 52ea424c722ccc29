import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import {
  CLOSE_CODE_CATALOGUE,
  DELIVERY_LOG_EPOCH_PATTERN,
  RealtimeErrorCode,
  REMINDER_PUSH_TYPE,
  RESERVED_MESSAGE_TYPES,
} from '@nest-realtime/core';
import { MESSAGE_MAPPING_METADATA, MESSAGE_METADATA } from '@nestjs/websockets/constants';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NOTIFICATION_TYPE } from '../src/notifications/notifications.service';
import { AppGateway } from '../src/realtime/app.gateway';

/**
 * Frames the module itself sends besides replies: its greeting, the application-level
 * heartbeat, resume answers, errors.
 */
const MODULE_PUSH_TYPES = ['connected', 'heartbeat', 'pong', 'resume', 'resync', 'error'];

/** Every `@SubscribeMessage` type of a gateway class. */
function subscribedTypes(gateway: new (...args: never[]) => object): string[] {
  const prototype = gateway.prototype as Record<string, unknown>;
  return Object.getOwnPropertyNames(prototype)
    .filter((name) => name !== 'constructor')
    .filter(
      (name) => Reflect.getMetadata(MESSAGE_MAPPING_METADATA, prototype[name] as object) === true,
    )
    .map((name) => Reflect.getMetadata(MESSAGE_METADATA, prototype[name] as object) as string);
}

describe('docs/asyncapi.yaml', () => {
  const source = readFileSync(join(__dirname, '..', 'docs', 'asyncapi.yaml'), 'utf8');
  let names: Set<string>;
  let document: NonNullable<Awaited<ReturnType<Parser['parse']>>['document']>;

  beforeAll(async () => {
    const { document: parsed, diagnostics } = await new Parser().parse(source);
    // The parser returns no document when there is an error.
    const errors = diagnostics.filter(
      // Two copies of @stoplight/types may be installed; compare the values.
      (diagnostic) => (diagnostic.severity as number) === (DiagnosticSeverity.Error as number),
    );
    expect(errors.map((error) => `${error.path.join('.')}: ${error.message}`)).toEqual([]);
    document = parsed!;
    names = new Set(
      document
        .allMessages()
        .all()
        .map((message) => message.name()!),
    );
  });

  it('is a valid AsyncAPI 3.0 document', () => {
    expect(document.version()).toBe('3.0.0');
    expect(document.allMessages().length).toBeGreaterThan(10);
  });

  it('describes every type a client can send: built-in and every @SubscribeMessage', () => {
    const gatewayTypes = subscribedTypes(AppGateway);
    expect(gatewayTypes).toContain('whoami');
    for (const type of [...RESERVED_MESSAGE_TYPES, ...gatewayTypes]) {
      expect([type, names.has(type)]).toEqual([type, true]);
    }
  });

  it('describes every type the server pushes', () => {
    for (const type of [...MODULE_PUSH_TYPES, REMINDER_PUSH_TYPE, NOTIFICATION_TYPE]) {
      expect([type, names.has(type)]).toEqual([type, true]);
    }
  });

  it('describes a reminder firing as the reminder itself, its example included', () => {
    const firing = document.components().schemas().get('ScheduleReminderFrame')!.properties()!.data;
    const properties = Object.keys(firing.properties() ?? {});
    // Flat, as tutorial clients read it: no `{ reminder: {...} }` wrapper.
    expect(properties).not.toContain('reminder');
    expect(firing.required()).toEqual(
      expect.arrayContaining(['id', 'title', 'dueAt', 'firedAt', 'nextDueAt']),
    );
    const [example] = document
      .allMessages()
      .all()
      .filter((message) => message.name() === REMINDER_PUSH_TYPE)
      .flatMap((message) => message.examples().all());
    const data = (example.payload() as { data: Record<string, unknown> }).data;
    expect(properties).toEqual(expect.arrayContaining(Object.keys(data)));
    expect(Object.keys(data)).toEqual(expect.arrayContaining(firing.required()!));
  });

  it("carries the log epoch where the server sends and reads it, in the server's format", () => {
    const schemas = document.components().schemas();
    expect(schemas.get('Epoch')!.pattern()).toBe(DELIVERY_LOG_EPOCH_PATTERN.source);
    const dataOf = (frame: string) => schemas.get(frame)!.properties()!.data;
    for (const frame of ['ResumeReplyFrame', 'ResyncFrame']) {
      expect([frame, dataOf(frame).required()]).toEqual([frame, expect.arrayContaining(['epoch'])]);
    }
    expect(dataOf('ResumeRequestFrame').properties()!.epoch.pattern()).toBe(
      DELIVERY_LOG_EPOCH_PATTERN.source,
    );
    const query = document.channels().get('realtime')!.bindings().get('ws')!.value<{
      query: { properties: Record<string, { pattern?: string }> };
    }>();
    expect(query.query.properties.epoch.pattern).toBe(DELIVERY_LOG_EPOCH_PATTERN.source);
  });

  it('lists every error code and every close code with its reconnect advice', () => {
    const schemas = document.components().schemas();
    const errorCodes = schemas.get('ErrorCode')!.enum();
    expect([...(errorCodes ?? [])].sort()).toEqual(Object.values(RealtimeErrorCode).sort());
    const closeCodes = schemas.get('CloseCode')!;
    expect(closeCodes.enum()).toEqual(CLOSE_CODE_CATALOGUE.map(({ code }) => code));
    const advice = closeCodes.json<{ 'x-close-codes': { code: number; reconnect: boolean }[] }>()[
      'x-close-codes'
    ];
    expect(advice.map(({ code, reconnect }) => [code, reconnect])).toEqual(
      CLOSE_CODE_CATALOGUE.map(({ code, reconnect }) => [code, reconnect]),
    );
  });
});
