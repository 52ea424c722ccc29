import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import {
  Controller,
  ForbiddenException,
  Get,
  Param,
  ServiceUnavailableException,
  UseGuards,
} from '@nestjs/common';
import { PresenceUnavailableError, RealtimePresence } from '@nest-realtime/core';
import { isAdmin } from '../auth/auth-user.checks';
import type { AuthUser } from '../auth/auth-user.interface';
import { CurrentUser } from '../auth/current-user.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { BEARER } from '../openapi';
import { PresenceParamsDto } from './dto/presence-params.dto';
import { PresenceStatusDto } from './dto/presence-status.dto';
import * as messages from './presence.messages';

/** Who is connected: yours for anyone, anyone's for an admin. */
@ApiTags('presence')
@ApiBearerAuth(BEARER)
@Controller('presence')
@UseGuards(JwtAuthGuard)
export class PresenceController {
  constructor(private readonly presence: RealtimePresence) {}

  /**
   * Whether the user is online and with how many WebSockets, counted on every instance (with
   * `REDIS_URL`; a dead instance's connections stop counting within two `PRESENCE_REFRESH_MS`).
   * Yourself, or anyone as an admin; someone else is 403. 503 while Redis is down.
   */
  @Get(':userId')
  async get(
    @CurrentUser() user: AuthUser,
    @Param() params: PresenceParamsDto,
  ): Promise<PresenceStatusDto> {
    const { userId } = params;
    if (userId !== user.sub && !isAdmin(user)) {
      throw new ForbiddenException(messages.othersPresenceForbidden());
    }
    let connections: number;
    try {
      connections = await this.presence.connectionCount(userId);
    } catch (error) {
      if (!(error instanceof PresenceUnavailableError)) throw error;
      throw new ServiceUnavailableException(messages.presenceUnavailable(), { cause: error });
    }
    return { userId, online: connections > 0, connections };
  }
}
