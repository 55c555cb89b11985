import 'reflect-metadata';
import { Logger, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule);
  app.setGlobalPrefix('api');
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, transform: true }));
  app.enableShutdownHooks();
  const port = Number(process.env.PORT ?? 3000);
  await app.listen(port);
  const database = process.env.DATABASE_URL
    ? 'PostgreSQL (DATABASE_URL)'
    : 'embedded PGlite (in memory)';
  Logger.log(`Conduit API on http://localhost:${port}/api, database: ${database}`, 'Conduit');
}

void bootstrap();
