import { Global, Module } from '@nestjs/common';
import { AppConfigModule } from '../config';
import { ClusterConnections } from './cluster-connections';

/** Redis for running several instances (`REDIS_URL`); inert without it. */
@Global()
@Module({
  imports: [AppConfigModule],
  providers: [ClusterConnections],
  exports: [ClusterConnections],
})
export class ClusterModule {}
