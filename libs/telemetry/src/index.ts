export { TelemetryModule } from './telemetry.module.js';
export { Metrics, type ProcessRole } from './metrics.js';
export { JobTelemetry, jobLogFields } from './job-telemetry.js';
export { OperationsMetrics } from './operations-metrics.js';
export { WorkerMetricsPublisher } from './worker-metrics.js';
export { requestSubject } from './request-telemetry.interceptor.js';
