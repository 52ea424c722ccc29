import { BadRequestException, type ArgumentMetadata } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsString, MinLength, ValidateNested } from 'class-validator';
import { validationFailed } from './config.messages';
import { createValidationPipe, type ValidationFailureBody } from './validation';

class TargetDto {
  @IsString()
  userId!: string;
}

class MessageDto {
  @ValidateNested()
  @Type(() => TargetDto)
  to!: TargetDto;

  @IsString()
  @MinLength(3)
  title!: string;

  @IsInt()
  count!: number;
}

const metadata: ArgumentMetadata = { type: 'body', metatype: MessageDto };

async function failure(body: object): Promise<ValidationFailureBody> {
  try {
    await createValidationPipe().transform(body, metadata);
  } catch (error) {
    if (error instanceof BadRequestException) return error.getResponse() as ValidationFailureBody;
    throw error;
  }
  throw new Error('expected validation to fail');
}

describe('createValidationPipe', () => {
  it('answers one entry per invalid field, nested fields as dotted paths', async () => {
    const body = await failure({ to: { userId: 7 }, title: 'x', count: 1, extra: true });
    expect(body.statusCode).toBe(400);
    expect(body.error).toBe('Bad Request');
    expect(body.message).toBe(validationFailed());
    expect(body.details.map((detail) => detail.field).sort()).toEqual([
      'extra',
      'title',
      'to.userId',
    ]);
    const title = body.details.find((detail) => detail.field === 'title');
    expect(Object.values(title?.constraints ?? {})).toEqual([
      expect.stringContaining('title must be longer'),
    ]);
  });

  it('lists every failed constraint of a field', async () => {
    const body = await failure({ to: { userId: 'u' }, count: 1 });
    expect(body.details).toEqual([{ field: 'title', constraints: expect.any(Object) }]);
    expect(Object.keys(body.details[0].constraints).sort()).toEqual(['isString', 'minLength']);
  });

  it('never echoes submitted values', async () => {
    const body = await failure({ to: { userId: 'u' }, title: 'hi', count: 'hunter2-secret' });
    expect(body.details.map((detail) => detail.field).sort()).toEqual(['count', 'title']);
    expect(JSON.stringify(body)).not.toContain('hunter2-secret');
  });

  it('transforms a valid payload into the DTO class', async () => {
    const value: unknown = await createValidationPipe().transform(
      { to: { userId: 'u' }, title: 'hello', count: 2 },
      metadata,
    );
    expect(value).toBeInstanceOf(MessageDto);
  });
});
