import { Logger } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoLogger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { AppConfigService, EnvironmentValidationError, validateEnvironment } from './config';
import { createHttpsOptions, type HttpsOptions } from './http/https-options.factory';

async function bootstrap(): Promise<void> {
  // httpsOptions are fixed when the app is created, before its configuration is injectable, so
  // the TLS files come from the environment itself (with .env loaded, and validated the same way).
  await ConfigModule.envVariablesLoaded;
  const httpsOptions = httpsOptionsOrExit();
  // Boot lines are held until the pino logger exists, then written through it.
  const app = await NestFactory.create(AppModule, { bufferLogs: true, httpsOptions });
  app.useLogger(app.get(PinoLogger));
  configureApp(app);
  // SIGTERM/SIGINT: upgrades get 503, sockets close with 1001, then the HTTP server closes.
  app.enableShutdownHooks();
  const config = app.get(AppConfigService);
  await app.listen(config.port, config.host);
  // The actual address, so that PORT=0 (tests) reports the port it got.
  const url = (await app.getUrl()).replace('[::1]', 'localhost');
  new Logger('Bootstrap').log(`Listening on ${url} (WebSocket at ${config.realtime.path})`);
}

/**
 * `httpsOptions` from TLS_CERT_FILE and TLS_KEY_FILE. An invalid environment ends the process
 * the way Nest ends a failed boot: the message naming every bad variable logged, exit code 1.
 */
function httpsOptionsOrExit(): HttpsOptions | undefined {
  try {
    return createHttpsOptions(validateEnvironment(process.env));
  } catch (error) {
    if (!(error instanceof EnvironmentValidationError)) throw error;
    new Logger('Bootstrap').error(error.message);
    process.exit(1);
  }
}

void bootstrap();
