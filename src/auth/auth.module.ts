import { Module } from '@nestjs/common';
import { createSecretKey } from 'node:crypto';
import { JwtModule } from '@nestjs/jwt';
import { ClusterModule } from '../cluster/cluster.module';
import { AppConfigModule } from '../config/app-config.module';
import { AppConfigService } from '../config/app-config.service';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { LoginBackoff } from './login.backoff';
import { JWT_ALGORITHM, JwtAuthGuard } from './jwt-auth.guard';
import { RolesGuard } from './roles.guard';

/**
 * Registration, login, access tokens and the guards that check them. Needs `WsTicketService`
 * from the (global) realtime module.
 *
 * `JwtModule` and `UsersModule` are re-exported so that a module importing this one can build `JwtAuthGuard` when
 * it names it in `@UseGuards()`, which Nest does with the importing module's providers.
 */
@Module({
  imports: [
    AppConfigModule,
    ClusterModule,
    UsersModule,
    JwtModule.registerAsync({
      imports: [AppConfigModule],
      inject: [AppConfigService],
      useFactory: (config: AppConfigService) => ({
        // A KeyObject, not the string: given a string, jsonwebtoken tries to parse it as a PEM
        // public key on every sign and verify first, about 0.5 ms of CPU each on Node 20.
        secret: createSecretKey(Buffer.from(config.jwtSecret)),
        signOptions: { algorithm: JWT_ALGORITHM, expiresIn: config.jwtExpiresInSeconds },
        verifyOptions: { algorithms: [JWT_ALGORITHM] },
      }),
    }),
  ],
  controllers: [AuthController],
  providers: [AuthService, JwtAuthGuard, RolesGuard, LoginBackoff],
  exports: [JwtAuthGuard, RolesGuard, JwtModule, UsersModule],
})
export class AuthModule {}
