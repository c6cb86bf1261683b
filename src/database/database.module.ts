import { Global, Module } from '@nestjs/common';
import { SqliteConnection } from './sqlite-connection.js';

/** The embedded database; each feature binds its repositories' SQLite implementations to this connection. */
@Global()
@Module({
  providers: [SqliteConnection],
  exports: [SqliteConnection],
})
export class DatabaseModule {}
