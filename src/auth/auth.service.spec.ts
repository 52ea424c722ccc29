import { ConflictException, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { Test, type TestingModule } from '@nestjs/testing';
import { RealtimeModule, WsTicketService } from '@nest-realtime/core';
import { ScopedEnvironment } from '../../test/support/scoped-environment';
import { AppConfigModule } from '../config/app-config.module';
import { DatabaseModule } from '../database/database.module';
import type { AuthUser } from './auth-user.interface';
import * as messages from './auth.messages';
import { AuthModule } from './auth.module';
import { AuthService } from './auth.service';

describe('AuthService', () => {
  let env: ScopedEnvironment;
  let moduleRef: TestingModule;
  let auth: AuthService;

  beforeEach(async () => {
    env = new ScopedEnvironment('auth', (dir) => ({
      JWT_SECRET: 'auth-service-spec-secret',
      DATA_DIR: dir,
      JWT_EXPIRES_IN_SECONDS: '120',
    }));
    moduleRef = await Test.createTestingModule({
      imports: [AppConfigModule, DatabaseModule, RealtimeModule.forRoot({}), AuthModule],
    }).compile();
    await moduleRef.init();
    auth = moduleRef.get(AuthService);
  });

  afterEach(async () => {
    await moduleRef.close();
    env.restore();
  });

  it('registers a user and answers only its id, username and role', async () => {
    const ada = await auth.register('ada', 'correct horse');
    expect(ada).toEqual({ id: expect.any(String), username: 'ada', role: 'admin' });
    await expect(auth.register('ada', 'correct horse')).rejects.toBeInstanceOf(ConflictException);
  });

  it('signs an HS256 token carrying sub, username and role for the configured lifetime', async () => {
    const ada = await auth.register('ada', 'correct horse');
    const { accessToken, expiresIn } = await auth.login('ada', 'correct horse');
    expect(expiresIn).toBe(120);
    const header = JSON.parse(
      Buffer.from(accessToken.split('.')[0], 'base64url').toString(),
    ) as object;
    expect(header).toEqual({ alg: 'HS256', typ: 'JWT' });
    const claims = await new JwtService({
      secret: 'auth-service-spec-secret',
    }).verifyAsync<AuthUser>(accessToken, { algorithms: ['HS256'] });
    expect(claims).toEqual({
      sub: ada.id,
      username: 'ada',
      role: 'admin',
      gen: 0,
      iat: expect.any(Number),
      exp: expect.any(Number),
    });
    expect(claims.exp! - claims.iat!).toBe(120);
  });

  it('refuses a wrong password and an unknown user with the same exception', async () => {
    await auth.register('ada', 'correct horse');
    const expected = new UnauthorizedException(messages.invalidUsernameOrPassword());
    await expect(auth.login('ada', 'wrong horse')).rejects.toThrow(expected);
    await expect(auth.login('nobody', 'correct horse')).rejects.toThrow(expected);
  });

  it('issues a WebSocket ticket that redeems to the authenticated user', async () => {
    const user: AuthUser = { sub: 'u1', username: 'ada', role: 'user', iat: 1, exp: 2 };
    const { ticket, expiresIn } = await auth.issueWsTicket(user);
    expect(expiresIn).toBe(30);
    await expect(moduleRef.get(WsTicketService).redeem(ticket)).resolves.toEqual(user);
  });
});
