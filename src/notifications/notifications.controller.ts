import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { BEARER } from '../openapi';
import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Query,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import type { AuthUser } from '../auth/auth-user.interface';
import { CurrentUser } from '../auth/current-user.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { IDEMPOTENCY_HEADER, IdempotencyInterceptor } from '../idempotency/idempotency.interceptor';
import { CreateNotificationDto } from './dto/create-notification.dto';
import { ListNotificationsQuery } from './dto/list-notifications.query';
import type { InboxPage, NotificationReceipt } from './notification.interface';
import { NotificationsService } from './notifications.service';

@ApiTags('notifications')
@ApiBearerAuth(BEARER)
@Controller('notifications')
@UseGuards(JwtAuthGuard)
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  /**
   * Writes a notification to each recipient's inbox and delivery log, then pushes a
   * `notification` frame; answers how many sockets of this instance it reached.
   */
  @Post()
  @HttpCode(HttpStatus.CREATED)
  @UseInterceptors(IdempotencyInterceptor)
  @ApiHeader(IDEMPOTENCY_HEADER)
  create(
    @CurrentUser() user: AuthUser,
    @Body() body: CreateNotificationDto,
  ): Promise<NotificationReceipt> {
    return this.notifications.send(user, body);
  }

  /** Your notifications, newest first: `?unread=true&limit=20&before=<id>`. */
  @Get()
  list(@CurrentUser() user: AuthUser, @Query() query: ListNotificationsQuery): Promise<InboxPage> {
    return this.notifications.list(user, query);
  }

  /** How many of your notifications are unread. */
  @Get('unread-count')
  unreadCount(@CurrentUser() user: AuthUser): Promise<{ count: number }> {
    return this.notifications.unreadCount(user);
  }

  /** Marks every notification of yours read. */
  @Post('read-all')
  @HttpCode(HttpStatus.OK)
  markAllRead(@CurrentUser() user: AuthUser): Promise<{ updated: number }> {
    return this.notifications.markAllRead(user);
  }

  /** Marks one notification of yours read; someone else's is 404. */
  @Post(':id/read')
  @HttpCode(HttpStatus.NO_CONTENT)
  markRead(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<void> {
    return this.notifications.markRead(user, id);
  }
}
