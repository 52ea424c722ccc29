export { AppConfigModule } from './app-config.module';
export { AppConfigService } from './app-config.service';
export type {
  AppConfig,
  HttpSettings,
  LoggingSettings,
  PasswordHashingSettings,
  RealtimeSettings,
  ThrottleSettings,
} from './app-config.interface';
export { APP_CONFIG_NAMESPACE, appConfig, createAppConfig } from './app.config';
export {
  EnvironmentVariables,
  LOG_FORMATS,
  LOG_LEVELS,
  type LogFormat,
  type LogLevel,
  NODE_ENVIRONMENTS,
  type NodeEnvironment,
  type TrustProxySetting,
} from './environment.variables';
export { EnvironmentValidationError } from './environment-validation.error';
export { validateEnvironment } from './environment.validator';
export { createValidationPipe, type FieldDetail, type ValidationFailureBody } from './validation';
