export { DATABASE } from './database.constants';
export { DatabaseModule } from './database.module';
export type { DatabaseSchema, UsersTable } from './database.schema';
export { isUniqueViolation } from './database.errors';
export { InjectDatabase } from './inject-database.decorator';
