import { unreachableService } from './unreachable.js';

describe('unreachableService', () => {
  it('names PostgreSQL from SQLSTATE class 08, shutdowns and pg connection messages, through wrappers', () => {
    expect(unreachableService({ code: '08006' })).toBe('database');
    expect(unreachableService({ code: '57P01' })).toBe('database');
    expect(unreachableService(new Error('Connection terminated unexpectedly'))).toBe('database');
    expect(unreachableService({ message: 'query failed', driverError: { code: '57P03' } })).toBe('database');
  });

  it('names a lost or refused connection, also as the cause of another error', () => {
    expect(unreachableService(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe('network');
    expect(unreachableService(new Error('wrapped', { cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }) }))).toBe('network');
  });

  it('leaves refusals and faults alone', () => {
    expect(unreachableService({ code: '23505', message: 'duplicate key' })).toBeUndefined();
    expect(unreachableService(new TypeError('x is undefined'))).toBeUndefined();
    expect(unreachableService(undefined)).toBeUndefined();
    expect(unreachableService('ECONNREFUSED')).toBeUndefined();
  });
});
