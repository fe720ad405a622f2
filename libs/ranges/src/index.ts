export { RangesModule } from './ranges.module.js';
export {
  InvalidRangeRequestError,
  RangeHostNotFoundError,
  RangeHostStateError,
  RangeNotFoundError,
  RangeQuotaExceededError,
  RangeSetConflictError,
  RangeStatusError,
  RangeTargetNotFoundError,
} from './errors.js';
export { RangeService, type HostEvacuation, type ProvisionSessionInput, type RangeNodeView, type RangeView, type SessionRangesView, type TraineeRangeNodeView, type TraineeRangeView } from './range.service.js';
export { RangeLifecycle, RangeCancelledError } from './range-lifecycle.js';
export { RangeProvisioner, NetworkRemovalError, PermanentProvisionError, type ProvisionObserver, type NodeProgress } from './range-provisioner.js';
export { RangeReconciler, type ReconcileReport } from './range-reconciler.js';
export { RangeJobs } from './range.jobs.js';
export { RangeImageJobs } from './range-image.jobs.js';
export { RangeEventLog } from './range-event-log.js';
export { SubnetAllocator } from './subnet-allocator.js';
export { SubnetPool, SubnetPoolExhaustedError, parseCidr, formatCidr, parseIpv4, formatIpv4 } from './subnet-pool.js';
export { dependencyLevels } from './dependency-levels.js';
export {
  bridgeName,
  containerName,
  networkName,
  networkLabels,
  nodeLabels,
  rangeLabels,
  rangeSelector,
  RANGE_NETWORK_KIND,
  RANGE_NODE_KIND,
  type RangeIdentity,
} from './naming.js';
export { RangeHealth, UNHEALTHY_REASON_PREFIX, type NodeReadiness, type ReadinessCommand } from './range-health.js';
export { RangeHosts, HOST_DOWN_REASON_PREFIX, type RangeHostRegistration, type RangeHostView } from './range-hosts.js';
export { RangeHostHeartbeat } from './range-host-heartbeat.js';
