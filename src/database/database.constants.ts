/** Injection token of the application's `Kysely<DatabaseSchema>`. */
export const DATABASE = 'app:database';
