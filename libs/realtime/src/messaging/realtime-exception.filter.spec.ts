import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  Logger,
  NotFoundException,
  ServiceUnavailableException,
} from '@nestjs/common';
import { WsException } from '@nestjs/websockets';
import * as messages from '../realtime.messages';
import { RealtimeErrorCode } from '../protocol/realtime-codes';
import { toErrorFrameData } from './realtime-exception.filter';
import { RealtimeException } from './realtime.exception';

describe('toErrorFrameData', () => {
  beforeEach(() => jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  it('keeps a RealtimeException as it is', () => {
    expect(
      toErrorFrameData(new RealtimeException(RealtimeErrorCode.CONFLICT, 'taken', { field: 'x' })),
    ).toEqual({
      code: 'CONFLICT',
      message: 'taken',
      details: { field: 'x' },
    });
  });

  it("maps Nest's guard refusal to FORBIDDEN and a WsException's text to BAD_REQUEST", () => {
    expect(toErrorFrameData(new WsException('Forbidden resource'))).toEqual({
      code: 'FORBIDDEN',
      message: messages.forbidden(),
    });
    expect(toErrorFrameData(new WsException('nope'))).toEqual({
      code: 'BAD_REQUEST',
      message: 'nope',
    });
    expect(toErrorFrameData(new WsException({ code: 'NOT_FOUND', message: 'gone' }))).toEqual({
      code: 'NOT_FOUND',
      message: 'gone',
    });
  });

  it('maps HTTP exceptions by status', () => {
    expect(toErrorFrameData(new BadRequestException(['a must be a string'])).code).toBe(
      'VALIDATION_FAILED',
    );
    expect(toErrorFrameData(new BadRequestException(['a must be a string'])).details).toEqual([
      'a must be a string',
    ]);
    expect(toErrorFrameData(new ForbiddenException()).code).toBe('FORBIDDEN');
    expect(toErrorFrameData(new NotFoundException()).code).toBe('NOT_FOUND');
    expect(toErrorFrameData(new ConflictException()).code).toBe('CONFLICT');
  });

  it('hides server errors behind a generic INTERNAL and logs them', () => {
    expect(toErrorFrameData(new ServiceUnavailableException('db down at 10.0.0.3'))).toEqual({
      code: 'INTERNAL',
      message: messages.internalError(),
    });
    expect(toErrorFrameData(new TypeError('x is undefined'))).toEqual({
      code: 'INTERNAL',
      message: messages.internalError(),
    });
    expect(Logger.prototype.error).toHaveBeenCalledTimes(2);
  });
});
