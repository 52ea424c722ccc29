import type { Migration, MigrationProvider } from 'kysely';

/**
 * Serves migrations imported as modules, rather than read from a folder at run time: they are
 * compiled and bundled with the application, and no path has to be right in `dist/`.
 */
export class InCodeMigrationProvider implements MigrationProvider {
  constructor(private readonly migrations: Readonly<Record<string, Migration>>) {}

  getMigrations(): Promise<Record<string, Migration>> {
    return Promise.resolve({ ...this.migrations });
  }
}
