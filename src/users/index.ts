export { UsersModule } from './users.module';
export { UsersService } from './users.service';
export type { User, UserRole } from './user.interface';
export {
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  USERNAME_MAX_LENGTH,
  USERNAME_MIN_LENGTH,
  USERNAME_PATTERN,
  USER_ROLES,
} from './users.constants';
