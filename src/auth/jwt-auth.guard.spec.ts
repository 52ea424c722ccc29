import { UnauthorizedException } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { JwtService } from '@nestjs/jwt';
import { WsTicketService, MemoryWsTicketStore, resolveRealtimeOptions } from '@nest-realtime/core';
import { markWebSocketUpgrade } from '@nest-realtime/core';
import { Test, type TestingModule } from '@nestjs/testing';
import type { Kysely } from 'kysely';
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import type { AuthUser } from './auth-user.interface';
import { ScopedEnvironment } from '../../test/support/scoped-environment';
import { AppConfigModule } from '../config/app-config.module';
import { DATABASE } from '../database/database.constants';
import { DatabaseModule } from '../database/database.module';
import type { DatabaseSchema } from '../database/database.schema';
import * as messages from './auth.messages';
import { UsersModule } from '../users/users.module';
import { UsersService } from '../users/users.service';
import type { AuthenticatedRequest } from './authenticated-request.interface';
import { JwtAuthGuard } from './jwt-auth.guard';

const SECRET = 'jwt-auth-guard-spec-secret-0123456789';
const CLAIMS = {
  sub: '3f1c1f0e-5a4b-4c3d-9e2f-1a2b3c4d5e6f',
  username: 'ada',
  role: 'user' as const,
};

/** A real Node request, as the guard sees on a WebSocket upgrade or under Express. */
function requestWith(
  headers: Record<string, string>,
  url = '/auth/ws-ticket',
): AuthenticatedRequest {
  const request = new IncomingMessage(new Socket());
  request.headers = headers;
  request.url = url;
  return request;
}

/** An upgrade request as the realtime adapter hands it to the guard. */
function upgrade(url: string): AuthenticatedRequest {
  const request = requestWith({ upgrade: 'websocket', connection: 'Upgrade' }, url);
  markWebSocketUpgrade(request);
  return request;
}

const base64url = (value: object): string =>
  Buffer.from(JSON.stringify(value)).toString('base64url');

describe('JwtAuthGuard', () => {
  const jwt = new JwtService({
    secret: SECRET,
    signOptions: { algorithm: 'HS256', expiresIn: 60 },
    verifyOptions: { algorithms: ['HS256'] },
  });
  let tickets: WsTicketService;
  let guard: JwtAuthGuard;
  let env: ScopedEnvironment;
  let moduleRef: TestingModule;
  let users: UsersService;

  // A real (SQLite, migrated) database holds the user whose token generation the guard checks.
  beforeEach(async () => {
    env = new ScopedEnvironment('jwt-guard', (dir) => ({ JWT_SECRET: SECRET, DATA_DIR: dir }));
    moduleRef = await Test.createTestingModule({
      imports: [AppConfigModule, DatabaseModule, UsersModule],
    }).compile();
    await moduleRef.init();
    const db = moduleRef.get<Kysely<DatabaseSchema>>(DATABASE);
    await db
      .insertInto('users')
      .values({
        id: CLAIMS.sub,
        username: CLAIMS.username,
        password_hash: 'unused',
        role: CLAIMS.role,
        created_at: new Date().toISOString(),
      })
      .execute();
    users = moduleRef.get(UsersService);
    tickets = new WsTicketService(resolveRealtimeOptions({}), new MemoryWsTicketStore());
    guard = new JwtAuthGuard(jwt, tickets, users);
  });

  afterEach(async () => {
    await moduleRef.close();
    env.restore();
  });

  async function authenticate(request: AuthenticatedRequest): Promise<AuthUser | undefined> {
    await guard.canActivate(new ExecutionContextHost([request, undefined, undefined]));
    return request.user;
  }

  async function expectRefused(
    request: AuthenticatedRequest,
    message = messages.invalidCredentials(),
  ) {
    await expect(authenticate(request)).rejects.toThrow(new UnauthorizedException(message));
    expect(request.user).toBeUndefined();
  }

  it('accepts a valid bearer token and sets request.user to its claims', async () => {
    const token = await jwt.signAsync(CLAIMS);
    const user = await authenticate(requestWith({ authorization: `Bearer ${token}` }));
    expect(user).toEqual({ ...CLAIMS, iat: expect.any(Number), exp: expect.any(Number) });
  });

  it('refuses a request without credentials', async () => {
    await expectRefused(requestWith({}), messages.missingCredentials());
    await expectRefused(
      requestWith({ authorization: 'Basic YWRhOnB3' }),
      messages.missingCredentials(),
    );
  });

  it('refuses malformed tokens and tokens signed with another secret', async () => {
    await expectRefused(requestWith({ authorization: 'Bearer not.a.jwt' }));
    const forged = await new JwtService({ secret: 'another-secret' }).signAsync(CLAIMS);
    await expectRefused(requestWith({ authorization: `Bearer ${forged}` }));
  });

  it('refuses an expired token', async () => {
    const expired = await new JwtService({ secret: SECRET }).signAsync({
      ...CLAIMS,
      exp: Math.floor(Date.now() / 1000) - 10,
    });
    await expectRefused(requestWith({ authorization: `Bearer ${expired}` }));
  });

  it('refuses alg none and algorithms other than HS256, even with the right secret', async () => {
    const unsigned = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(CLAIMS)}.`;
    await expectRefused(requestWith({ authorization: `Bearer ${unsigned}` }));
    const hs512 = await new JwtService({ secret: SECRET }).signAsync(CLAIMS, {
      algorithm: 'HS512',
    });
    await expectRefused(requestWith({ authorization: `Bearer ${hs512}` }));
  });

  it('refuses a correctly signed token whose claims are not an AuthUser', async () => {
    const token = await jwt.signAsync({ sub: 'u1', username: 'ada', role: 'superuser' });
    await expectRefused(requestWith({ authorization: `Bearer ${token}` }));
  });

  it('refuses a correctly signed token, or a ticket, without exp', async () => {
    const timeless = await new JwtService({ secret: SECRET }).signAsync(CLAIMS);
    await expectRefused(requestWith({ authorization: `Bearer ${timeless}` }));
    await expectRefused(upgrade(`/ws?token=${timeless}`));
    const { ticket } = await tickets.issue(CLAIMS);
    await expectRefused(upgrade(`/ws?ticket=${ticket}`));
  });

  it('accepts a ticket once, on an upgrade request', async () => {
    const token = await jwt.signAsync(CLAIMS);
    const principal = await jwt.verifyAsync<AuthUser>(token);
    const { ticket } = await tickets.issue(principal);
    const first = upgrade(`/ws?ticket=${ticket}`);
    await expect(authenticate(first)).resolves.toEqual(principal);
    // On an upgrade the adapter spends the ticket once the handshake is accepted.
    await expect(tickets.takeDeferred(first)).resolves.toBe(true);
    await expectRefused(upgrade(`/ws?ticket=${ticket}`));
    await expectRefused(upgrade('/ws?ticket=never-issued'));
  });

  it('refuses tokens and tickets issued before the user signed out everywhere', async () => {
    const before = await jwt.signAsync(CLAIMS);
    const { ticket } = await tickets.issue(await jwt.verifyAsync<AuthUser>(before));
    await expect(
      authenticate(requestWith({ authorization: `Bearer ${before}` })),
    ).resolves.toMatchObject(CLAIMS);

    await users.signOutEverywhere(CLAIMS.sub);

    await expectRefused(requestWith({ authorization: `Bearer ${before}` }));
    await expectRefused(upgrade(`/ws?ticket=${ticket}`));
    const after = await jwt.signAsync({ ...CLAIMS, gen: 1 });
    await expect(
      authenticate(requestWith({ authorization: `Bearer ${after}` })),
    ).resolves.toMatchObject({ ...CLAIMS, gen: 1 });
  });

  it('refuses the token of a user that no longer exists', async () => {
    const stranger = await jwt.signAsync({ ...CLAIMS, sub: 'no-such-user' });
    await expectRefused(requestWith({ authorization: `Bearer ${stranger}` }));
  });

  it('refuses a ticket issued for a token that has expired since', async () => {
    const { ticket } = await tickets.issue({ ...CLAIMS, exp: Math.floor(Date.now() / 1000) - 1 });
    await expectRefused(upgrade(`/ws?ticket=${ticket}`));
  });

  it('reads ?token= on an upgrade request and ignores it on any other request', async () => {
    const token = await jwt.signAsync(CLAIMS);
    await expect(authenticate(upgrade(`/ws?token=${token}`))).resolves.toMatchObject(CLAIMS);
    await expectRefused(
      requestWith({}, `/auth/ws-ticket?token=${token}`),
      messages.missingCredentials(),
    );
    const { ticket } = await tickets.issue(CLAIMS);
    await expectRefused(
      requestWith({}, `/auth/ws-ticket?ticket=${ticket}`),
      messages.missingCredentials(),
    );
    // Saying `Upgrade: websocket` does not make a REST request an upgrade.
    await expectRefused(
      requestWith({ upgrade: 'websocket' }, `/auth/ws-ticket?ticket=${ticket}`),
      messages.missingCredentials(),
    );
  });

  it('puts no credential in the text of its refusal', async () => {
    const forged = await new JwtService({ secret: 'another-secret' }).signAsync(CLAIMS);
    const failure = await authenticate(requestWith({ authorization: `Bearer ${forged}` })).catch(
      (error: unknown) => error,
    );
    expect(JSON.stringify((failure as UnauthorizedException).getResponse())).not.toContain(forged);
  });
});
