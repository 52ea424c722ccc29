import { ConflictException } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { ScopedEnvironment } from '../../test/support/scoped-environment';
import { AppConfigModule } from '../config/app-config.module';
import { DatabaseModule } from '../database/database.module';
import { usernameTaken } from './users.messages';
import { UsersModule } from './users.module';
import { UsersService } from './users.service';

describe('UsersService', () => {
  let env: ScopedEnvironment;
  let moduleRef: TestingModule;
  let users: UsersService;

  beforeEach(async () => {
    env = new ScopedEnvironment('users', (dir) => ({
      JWT_SECRET: 'users-spec',
      DATA_DIR: dir,
      ADMIN_USERNAMES: 'root, ops',
    }));
    moduleRef = await Test.createTestingModule({
      imports: [AppConfigModule, DatabaseModule, UsersModule],
    }).compile();
    await moduleRef.init();
    users = moduleRef.get(UsersService);
  });

  afterEach(async () => {
    await moduleRef.close();
    env.restore();
  });

  it('makes the first user admin, then users, except names in ADMIN_USERNAMES', async () => {
    const ada = await users.register('ada', 'correct horse');
    const bob = await users.register('bob', 'correct horse');
    const root = await users.register('root', 'correct horse');
    const ops = await users.register('ops', 'correct horse');
    expect([ada.role, bob.role, root.role, ops.role]).toEqual(['admin', 'user', 'admin', 'admin']);
    expect(ada.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Date(ada.createdAt).toISOString()).toBe(ada.createdAt);
    expect(ada).not.toHaveProperty('passwordHash');
    await expect(users.findById(bob.id)).resolves.toEqual(bob);
  });

  it('answers a taken username with ConflictException', async () => {
    await users.register('ada', 'correct horse');
    await expect(users.register('ada', 'another one')).rejects.toThrow(
      new ConflictException(usernameTaken()),
    );
  });

  it('lets exactly one of two concurrent registrations of a name win, and only one first admin', async () => {
    const results = await Promise.allSettled([
      users.register('ada', 'correct horse'),
      users.register('ada', 'correct horse'),
      users.register('bob', 'correct horse'),
    ]);
    const [first, second, bob] = results;
    const outcomes = [first.status, second.status].sort();
    expect(outcomes).toEqual(['fulfilled', 'rejected']);
    const rejected = [first, second].find((result) => result.status === 'rejected');
    expect((rejected as PromiseRejectedResult).reason).toBeInstanceOf(ConflictException);
    const roles = results.flatMap((result) =>
      result.status === 'fulfilled' ? [result.value.role] : [],
    );
    expect(roles.sort()).toEqual(['admin', 'user']);
    expect(bob.status).toBe('fulfilled');
  });

  it('verifies credentials, with the same answer for a wrong password and an unknown user', async () => {
    const ada = await users.register('ada', 'correct horse');
    await expect(users.verifyCredentials('ada', 'correct horse')).resolves.toEqual(ada);
    await expect(users.verifyCredentials('ada', 'wrong horse')).resolves.toBeUndefined();
    await expect(users.verifyCredentials('nobody', 'correct horse')).resolves.toBeUndefined();
  });
});
