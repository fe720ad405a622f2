import type { AppConfig } from '@app/config';
import type { Job } from 'bullmq';
import { jobLogFields } from './job-telemetry.js';
import { Metrics } from './metrics.js';
import { requestSubject } from './request-telemetry.interceptor.js';

describe('requestSubject', () => {
  it('names the range or session of a routed request, by parameter name or by the resource an :id belongs to', () => {
    expect(requestSubject('/api/v1/ranges/:id/events', { id: 'r1' })).toEqual({ rangeId: 'r1' });
    expect(requestSubject('/api/v1/sessions/:id', { id: 's1' })).toEqual({ sessionId: 's1' });
    expect(requestSubject('/api/v1/sessions/:sessionId/ranges/:rangeId/scenario', { sessionId: 's1', rangeId: 'r1' })).toEqual({
      sessionId: 's1',
      rangeId: 'r1',
    });
    expect(requestSubject('/api/v1/trainees/:id', { id: 't1' })).toEqual({});
    expect(requestSubject('/api/v1/rangesx/:id', { id: 'x' })).toEqual({});
  });
});

describe('jobLogFields', () => {
  it('carries the job and the domain ids of its payload, and the attempt once retried', () => {
    const job = { id: 'range.r1.provision.1', name: 'ranges.provision', data: { v: 1, rangeId: 'r1', sessionId: 's1', n: 3 }, attemptsMade: 1 };
    expect(jobLogFields('ranges', job as unknown as Job)).toEqual({
      queue: 'ranges',
      job: 'ranges.provision',
      jobId: 'range.r1.provision.1',
      rangeId: 'r1',
      sessionId: 's1',
      attempt: '2',
    });
  });
});

describe('Metrics', () => {
  it('labels every series with the host and the process, on its own registry', async () => {
    const a = new Metrics({ INSTANCE_NAME: 'h1' } as AppConfig, 'worker');
    const b = new Metrics({ INSTANCE_NAME: 'h1' } as AppConfig, 'api');
    a.jobDuration.observe({ queue: 'ranges', job: 'ranges.reset', outcome: 'completed' }, 2);
    const text = await a.registry.metrics();
    const count = text.split('\n').find((l) => l.startsWith('cyder_job_duration_seconds_count{'));
    expect(count).toBeDefined();
    for (const label of ['queue="ranges"', 'job="ranges.reset"', 'outcome="completed"', 'host="h1"', 'process="worker"']) expect(count).toContain(label);
    expect(count).toMatch(/ 1$/);
    expect(await b.registry.metrics()).not.toContain('job="ranges.reset"');
  });
});
