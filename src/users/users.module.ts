import { Module } from '@nestjs/common';
import { PasswordHasher } from './password.hasher';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

/** Users: storage, password hashing, registration and credential checks. */
@Module({
  providers: [UsersRepository, UsersService, PasswordHasher],
  exports: [UsersService],
})
export class UsersModule {}
