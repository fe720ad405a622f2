import { HOST_QUEUES, hostQueueName, isHostRouted, JobName, QueueName } from './queue-contract.js';

describe('range host queues (persisted names)', () => {
  it('a host has its own ranges, scenario and scoring queue; no host is the shared queue', () => {
    expect(HOST_QUEUES.map((q) => hostQueueName(q, 'host-a'))).toEqual(['ranges@host-a', 'scenario@host-a', 'scoring@host-a']);
    expect(hostQueueName(QueueName.Ranges, null)).toBe('ranges');
  });

  it("sends every job that touches a range's containers to its host, and the session-wide ones to the shared queues", () => {
    const routed = Object.values(JobName).filter((n) => isHostRouted(n));
    expect(routed.sort()).toEqual(
      [
        JobName.ProvisionRange,
        JobName.ResetRange,
        JobName.TeardownRange,
        JobName.ReconcileRanges,
        JobName.RunAttackStep,
        JobName.InjectAttackStep,
        JobName.EvaluateRange,
      ].sort(),
    );
  });
});
