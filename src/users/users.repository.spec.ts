import { Test, type TestingModule } from '@nestjs/testing';
import { ScopedEnvironment } from '../../test/support/scoped-environment';
import { AppConfigModule } from '../config/app-config.module';
import { DatabaseModule } from '../database/database.module';
import type { UserWithCredentials } from './user.interface';
import { UsernameTakenError } from './username-taken.error';
import { UsersRepository } from './users.repository';

describe('UsersRepository', () => {
  let env: ScopedEnvironment;
  let moduleRef: TestingModule;
  let repository: UsersRepository;
  const ada: UserWithCredentials = {
    id: '3f1c1f0e-5a4b-4c3d-9e2f-1a2b3c4d5e6f',
    username: 'ada',
    passwordHash: 'scrypt$2$1$1$c2FsdA==$aGFzaA==',
    role: 'user',
    createdAt: '2025-01-01T00:00:00.000Z',
    tokenGeneration: 0,
  };

  beforeEach(async () => {
    env = new ScopedEnvironment('users-repo', (dir) => ({
      JWT_SECRET: 'users-repository-spec',
      DATA_DIR: dir,
    }));
    moduleRef = await Test.createTestingModule({
      imports: [AppConfigModule, DatabaseModule],
      providers: [UsersRepository],
    }).compile();
    await moduleRef.init();
    repository = moduleRef.get(UsersRepository);
  });

  afterEach(async () => {
    await moduleRef.close();
    env.restore();
  });

  it("moves a user's token generation on, one step per call", async () => {
    await repository.create(ada);
    await expect(repository.tokenGeneration(ada.id)).resolves.toBe(0);
    await Promise.all([
      repository.advanceTokenGeneration(ada.id),
      repository.advanceTokenGeneration(ada.id),
    ]);
    await expect(repository.tokenGeneration(ada.id)).resolves.toBe(2);
    await expect(repository.findById(ada.id)).resolves.toMatchObject({ tokenGeneration: 2 });
    await expect(repository.tokenGeneration('no-such-user')).resolves.toBeUndefined();
  });

  it('creates, finds and counts users', async () => {
    await expect(repository.count()).resolves.toBe(0);
    const publicAda = {
      id: ada.id,
      username: ada.username,
      role: ada.role,
      createdAt: ada.createdAt,
      tokenGeneration: 0,
    };
    await expect(repository.create(ada)).resolves.toEqual(publicAda);
    await expect(repository.findByUsername('ada')).resolves.toEqual(ada);
    await expect(repository.findByUsername('ADA')).resolves.toBeUndefined();
    await expect(repository.findById(ada.id)).resolves.toEqual(publicAda);
    await expect(repository.findById('missing')).resolves.toBeUndefined();
    await expect(repository.count()).resolves.toBe(1);
  });

  it('turns the unique constraint into UsernameTakenError', async () => {
    await repository.create(ada);
    await expect(repository.create({ ...ada, id: 'other-id' })).rejects.toBeInstanceOf(
      UsernameTakenError,
    );
  });

  it('rolls a transaction back when its work throws', async () => {
    const failure = repository.inTransaction(async (users) => {
      await users.create(ada);
      throw new Error('abort');
    });
    await expect(failure).rejects.toThrow('abort');
    await expect(repository.count()).resolves.toBe(0);
  });
});
