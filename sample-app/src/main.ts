import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule);
  app.enableShutdownHooks();
  const port = Number(process.env.PORT ?? 3000);
  await app.listen(port);
  const database = process.env.DATABASE_URL
    ? 'PostgreSQL (DATABASE_URL)'
    : 'embedded PGlite (in memory)';
  Logger.log(`Listening on http://localhost:${port}/notes, database: ${database}`, 'SampleApp');
}

void bootstrap();
