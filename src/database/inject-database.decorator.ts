import { Inject } from '@nestjs/common';
import { DATABASE } from './database.constants';

/** Injects the application's `Kysely<DatabaseSchema>`. */
export const InjectDatabase = (): PropertyDecorator & ParameterDecorator => Inject(DATABASE);
