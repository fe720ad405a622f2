import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { JobTelemetry } from './job-telemetry.js';
import { loggingModule } from './logging.js';
import { Metrics, PROCESS_ROLE, type ProcessRole } from './metrics.js';
import { OperationsMetrics } from './operations-metrics.js';
import { RequestTelemetryInterceptor } from './request-telemetry.interceptor.js';
import { WorkerMetricsPublisher } from './worker-metrics.js';

/**
 * Metrics and structured logs of one process. The API serves every process's metrics
 * (OperationsMetrics) and times its requests; a worker times its jobs (JobTelemetry) and
 * publishes its metrics to Redis (WorkerMetricsPublisher).
 */
@Module({})
export class TelemetryModule {
  static forProcess(role: ProcessRole): DynamicModule {
    const own: Provider[] =
      role === 'worker'
        ? [JobTelemetry, WorkerMetricsPublisher]
        : [OperationsMetrics, { provide: APP_INTERCEPTOR, useClass: RequestTelemetryInterceptor }];
    return {
      module: TelemetryModule,
      global: true,
      imports: [loggingModule(role)],
      providers: [{ provide: PROCESS_ROLE, useValue: role }, Metrics, ...own],
      exports: [Metrics, ...(role === 'worker' ? [JobTelemetry] : [OperationsMetrics])],
    };
  }
}
