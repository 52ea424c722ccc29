import { BadRequestException, type ArgumentMetadata, type Type } from '@nestjs/common';
import { createValidationPipe, type ValidationFailureBody } from '../../config/validation';
import { LoginDto } from './login.dto';
import { RegisterDto } from './register.dto';

async function invalidFields(metatype: Type, body: object): Promise<string[]> {
  const metadata: ArgumentMetadata = { type: 'body', metatype };
  try {
    await createValidationPipe().transform(body, metadata);
    return [];
  } catch (error) {
    if (!(error instanceof BadRequestException)) throw error;
    return (error.getResponse() as ValidationFailureBody).details.map((detail) => detail.field);
  }
}

describe('RegisterDto', () => {
  it('accepts 3–32 allowed characters and an 8–128 character password', async () => {
    for (const username of ['ada', 'a.b-c_d', 'x'.repeat(32)]) {
      await expect(
        invalidFields(RegisterDto, { username, password: 'p'.repeat(8) }),
      ).resolves.toEqual([]);
    }
    await expect(
      invalidFields(RegisterDto, { username: 'ada', password: 'p'.repeat(128) }),
    ).resolves.toEqual([]);
  });

  it('refuses other usernames and passwords', async () => {
    for (const username of ['ab', 'x'.repeat(33), 'ada lovelace', 'ada/..', 'adä', 42]) {
      await expect(
        invalidFields(RegisterDto, { username, password: 'correct horse' }),
      ).resolves.toEqual(['username']);
    }
    for (const password of ['short', 'p'.repeat(129), 12345678]) {
      await expect(invalidFields(RegisterDto, { username: 'ada', password })).resolves.toEqual([
        'password',
      ]);
    }
  });
});

describe('LoginDto', () => {
  it('checks only shape and size, so a never-registrable username is a 401, not a 400', async () => {
    await expect(invalidFields(LoginDto, { username: 'x', password: 'y' })).resolves.toEqual([]);
    await expect(
      invalidFields(LoginDto, { username: '', password: 'p'.repeat(129) }),
    ).resolves.toEqual(['username', 'password']);
  });
});
