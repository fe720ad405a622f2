import { httpProbeArgv, judgeExec, judgeHttp } from './probe.js';

describe('probes', () => {
  it('judges an exec probe by exit code and output patterns', () => {
    const probe = { node: 'web', argv: ['true'], timeoutSeconds: 5, outputNotMatches: 'implant' };
    expect(judgeExec(probe, { exitCode: 0, stdout: 'clean\n', stderr: '' }).holds).toBe(true);
    expect(judgeExec(probe, { exitCode: 0, stdout: 'implant running', stderr: '' }).holds).toBe(false);
    expect(judgeExec(probe, { exitCode: 1, stdout: '', stderr: '' }).holds).toBe(false);
    expect(judgeExec({ ...probe, expectExitCode: 1, outputNotMatches: undefined }, { exitCode: 1, stdout: '', stderr: '' }).holds).toBe(true);
  });

  it('judges an HTTP probe from http-request -S output (busybox wget\'s)', () => {
    const probe = { from: 'ws', url: 'http://web/', timeoutSeconds: 3, bodyNotMatches: 'HACKED' };
    expect(httpProbeArgv(probe)).toEqual(['http-request', '-T', '3', '-S', '-q', '-O', '-', 'http://web/']);
    expect(judgeHttp(probe, { exitCode: 0, stdout: '<h1>Welcome</h1>', stderr: '  HTTP/1.1 200 OK\n  Content-Type: text/html' }).holds).toBe(true);
    expect(judgeHttp(probe, { exitCode: 0, stdout: 'HACKED by x', stderr: 'HTTP/1.1 200 OK' }).holds).toBe(false);
    expect(judgeHttp(probe, { exitCode: 1, stdout: '', stderr: 'HTTP/1.1 404 Not Found' }).holds).toBe(false);
    expect(judgeHttp({ ...probe, expectStatus: 404 }, { exitCode: 1, stdout: '', stderr: 'HTTP/1.1 404 Not Found' }).holds).toBe(true);
    expect(judgeHttp({ ...probe, expectStatus: 404 }, { exitCode: 8, stdout: '', stderr: '  HTTP/1.1 404 Not Found\nwget: server returned error: HTTP/1.1 404 Not Found' }).holds).toBe(true);
  });

  it('says why an HTTP probe got no answer', () => {
    const probe = { from: 'ws', url: 'http://web:81/', timeoutSeconds: 3 };
    const refused = {
      exitCode: 4,
      stdout: '',
      stderr: "wget: can't connect to remote host (10.0.0.3): Connection refused\nhttp-request: http://web:81/: connection refused\n",
    };
    expect(judgeHttp(probe, refused)).toEqual({ holds: false, detail: 'no HTTP answer: http://web:81/: connection refused' });
    expect(judgeHttp(probe, { exitCode: 4, stdout: '', stderr: 'http-request: http://web:81/: no answer within 3 s' }).detail).toBe(
      'no HTTP answer: http://web:81/: no answer within 3 s',
    );
    expect(judgeHttp(probe, { exitCode: 139, stdout: '', stderr: '' }).detail).toBe('no HTTP answer: the HTTP client crashed (segmentation fault, exit 139)');
    expect(judgeHttp(probe, { exitCode: 126, stdout: '', stderr: 'exec: "http-request": executable file not found in $PATH' }).detail).toMatch(/^no HTTP answer: no HTTP client on the node/);
    expect(judgeHttp(probe, { exitCode: 124, stdout: '', stderr: 'timed out after 5000 ms' }).detail).toBe('no HTTP answer: timed out after 5000 ms');
  });
});
