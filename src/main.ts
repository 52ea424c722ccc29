import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { AppConfigService } from './config';

async function bootstrap(): Promise<void> {
  const app = configureApp(await NestFactory.create(AppModule));
  // SIGTERM/SIGINT: upgrades get 503, sockets close with 1001, then the HTTP server closes.
  app.enableShutdownHooks();
  const config = app.get(AppConfigService);
  await app.listen(config.port, config.host);
  // The actual address, so that PORT=0 (tests) reports the port it got.
  const url = (await app.getUrl()).replace('[::1]', 'localhost');
  new Logger('Bootstrap').log(`Listening on ${url} (WebSocket at ${config.realtime.path})`);
}

void bootstrap();
