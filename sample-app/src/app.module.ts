import { Module } from '@nestjs/common';
import { OrmModule } from '../../lib';
import { NotesModule } from './notes/notes.module';
import { SchemaService } from './schema.service';

@Module({
  imports: [
    // No DATABASE_URL: embedded PostgreSQL (PGlite) in memory, nothing to install.
    OrmModule.forRoot({
      url: process.env.DATABASE_URL,
      logging: process.env.ORM_LOGGING === 'true',
    }),
    NotesModule,
  ],
  providers: [SchemaService],
})
export class AppModule {}
