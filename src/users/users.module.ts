import { Module } from '@nestjs/common';
import { AppConfigModule } from '../config/app-config.module';
import { AppConfigService } from '../config/app-config.service';
import { PasswordHasher } from './password.hasher';
import { PASSWORD_HASHING_SETTINGS } from './users.constants';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

/** Users: storage, password hashing, registration and credential checks. */
@Module({
  imports: [AppConfigModule],
  providers: [
    UsersRepository,
    UsersService,
    PasswordHasher,
    {
      provide: PASSWORD_HASHING_SETTINGS,
      inject: [AppConfigService],
      useFactory: (config: AppConfigService) => config.passwordHashing,
    },
  ],
  exports: [UsersService],
})
export class UsersModule {}
