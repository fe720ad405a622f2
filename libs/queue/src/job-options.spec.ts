import { JOB_SENDING, jobId, jobIdOf, jobOptions, type JobKeys, type OneOffJobName, schedulerOptions } from './job-options.js';
import { JobName } from './queue-contract.js';

const range = '6f1c2a4e-8d7b-4c3a-9e2f-1a2b3c4d5e6f';
const session = '0b9e8d7c-6a5f-4e3d-8c2b-1a0f9e8d7c6b';

/** One sample of domain ids per one-off job, and the id earlier versions wrote for it (ids are persisted). */
const SAMPLES: { [N in OneOffJobName]: { key: JobKeys[N]; id: string } } = {
  [JobName.EnsureRangeImages]: { key: { reason: 'boot.29000000' }, id: 'ensure-range-images.boot.29000000' },
  [JobName.ProvisionRange]: { key: { rangeId: range, generation: 2 }, id: `range.${range}.provision.2` },
  [JobName.ResetRange]: { key: { rangeId: range, generation: 1 }, id: `range.${range}.reset.1` },
  [JobName.TeardownRange]: { key: { rangeId: range }, id: `range.${range}.teardown` },
  [JobName.CompleteSessionRanges]: { key: { sessionId: session, generation: 3 }, id: `range-set.${session}.3` },
  [JobName.TeardownSessionRanges]: { key: { sessionId: session, generation: 3 }, id: `range-set.${session}.teardown.3` },
  [JobName.RunAttackStep]: { key: { rangeId: range, stepId: 'exploit', generation: 4 }, id: `attack.${range}.exploit.g4` },
  [JobName.EvaluateRange]: { key: { rangeId: range, window: 577000 }, id: `check-now.${range}.577000` },
  [JobName.SyncSession]: { key: { sessionId: session, reason: 'ready.g1' }, id: `session.${session}.sync.ready.g1` },
  [JobName.InjectAttackStep]: { key: { injectId: 'i1', rangeId: range }, id: `inject.i1.${range}` },
};

describe('how each job is sent (JOB_SENDING)', () => {
  it('has an entry for every job name of the contract: an id or a scheduler id, and at least one attempt', () => {
    for (const name of Object.values(JobName)) {
      const sending = JOB_SENDING[name];
      expect({ name, defined: sending !== undefined }).toEqual({ name, defined: true });
      expect(typeof sending.id === 'function' || typeof sending.schedulerId === 'function').toBe(true);
      expect(sending.attempts).toBeGreaterThanOrEqual(1);
    }
    expect(Object.keys(JOB_SENDING).sort()).toEqual(Object.values(JobName).sort());
  });

  it('derives every one-off job id from the domain ids, as earlier versions did', () => {
    const oneOff = Object.values(JobName).filter((n) => typeof JOB_SENDING[n].id === 'function');
    expect(oneOff.sort()).toEqual(Object.keys(SAMPLES).sort());
    for (const name of oneOff as OneOffJobName[]) {
      const { key, id } = SAMPLES[name];
      expect({ name, id: jobIdOf(name, key as never) }).toEqual({ name, id });
      expect(jobOptions(name, key as never).jobId).toBe(id);
    }
  });

  it('gives other domain ids another job id, and the same ones the same id', () => {
    const a = jobIdOf(JobName.RunAttackStep, { rangeId: range, stepId: 'exploit', generation: 4 });
    expect(jobIdOf(JobName.RunAttackStep, { rangeId: range, stepId: 'exploit', generation: 4 })).toBe(a);
    expect(jobIdOf(JobName.RunAttackStep, { rangeId: range, stepId: 'exploit', generation: 5 })).not.toBe(a);
    expect(jobIdOf(JobName.RunAttackStep, { rangeId: range, stepId: 'exfil', generation: 4 })).not.toBe(a);
    expect(jobIdOf(JobName.ProvisionRange, { rangeId: range, generation: 0 })).not.toBe(jobIdOf(JobName.ResetRange, { rangeId: range, generation: 0 }));
    // BullMQ refuses ':' in custom ids.
    expect(jobIdOf(JobName.EnsureRangeImages, { reason: 'a:b' })).toBe('ensure-range-images.a_b');
    expect(jobId('x', 'y:z', 1)).toBe('x.y_z.1');
  });

  it('derives scheduler ids of repeatable jobs from the domain ids', () => {
    expect(schedulerOptions(JobName.ReconcileRanges, {})).toEqual({ schedulerId: 'ranges.reconcile', opts: { attempts: 1 } });
    expect(schedulerOptions(JobName.EvaluateRange, { rangeId: range })).toEqual({ schedulerId: `evaluate.${range}`, opts: { attempts: 1 } });
  });

  it('puts attempts, backoff, delay and the flow-child rule into the BullMQ options', () => {
    expect(jobOptions(JobName.TeardownRange, { rangeId: range })).toEqual({
      jobId: `range.${range}.teardown`,
      attempts: 5,
      backoff: { type: 'exponential', delay: 5000 },
    });
    expect(jobOptions(JobName.ProvisionRange, { rangeId: range, generation: 0 }, { delay: 1500, asChild: true })).toEqual({
      jobId: `range.${range}.provision.0`,
      attempts: 3,
      backoff: { type: 'exponential', delay: 2000 },
      delay: 1500,
      ignoreDependencyOnFailure: true,
    });
    // Only a child waits on its parent's rule; a zero delay is no delay.
    expect(jobOptions(JobName.ProvisionRange, { rangeId: range, generation: 0 }, { delay: 0 })).not.toHaveProperty('ignoreDependencyOnFailure');
    expect(jobOptions(JobName.ProvisionRange, { rangeId: range, generation: 0 }, { delay: 0 })).not.toHaveProperty('delay');
    expect(jobOptions(JobName.RunAttackStep, { rangeId: range, stepId: 's', generation: 1 })).toMatchObject({ attempts: 2 });
    expect(jobOptions(JobName.EvaluateRange, { rangeId: range, window: 1 })).toEqual({ jobId: `check-now.${range}.1`, attempts: 1 });
    expect(jobOptions(JobName.EvaluateRange, { rangeId: range, window: 2, cause: 'attack-step' })).toEqual({
      jobId: `evaluate.attack-step.${range}.2`,
      attempts: 1,
    });
  });
});
