import { csvCell } from './board.service.js';
import { httpProbeArgv, judgeExec, judgeHttp } from './probe.js';

describe('probes', () => {
  it('judges an exec probe by exit code and output patterns', () => {
    const probe = { node: 'web', argv: ['true'], timeoutSeconds: 5, outputNotMatches: 'implant' };
    expect(judgeExec(probe, { exitCode: 0, stdout: 'clean\n', stderr: '' }).holds).toBe(true);
    expect(judgeExec(probe, { exitCode: 0, stdout: 'implant running', stderr: '' }).holds).toBe(false);
    expect(judgeExec(probe, { exitCode: 1, stdout: '', stderr: '' }).holds).toBe(false);
    expect(judgeExec({ ...probe, expectExitCode: 1, outputNotMatches: undefined }, { exitCode: 1, stdout: '', stderr: '' }).holds).toBe(true);
  });

  it('judges an HTTP probe from busybox wget -S output', () => {
    const probe = { from: 'ws', url: 'http://web/', timeoutSeconds: 3, bodyNotMatches: 'HACKED' };
    expect(httpProbeArgv(probe)).toEqual(['timeout', '3', 'wget', '-S', '-q', '-O', '-', 'http://web/']);
    expect(judgeHttp(probe, { exitCode: 0, stdout: '<h1>Welcome</h1>', stderr: '  HTTP/1.1 200 OK\n  Content-Type: text/html' }).holds).toBe(true);
    expect(judgeHttp(probe, { exitCode: 0, stdout: 'HACKED by x', stderr: 'HTTP/1.1 200 OK' }).holds).toBe(false);
    expect(judgeHttp(probe, { exitCode: 1, stdout: '', stderr: 'HTTP/1.1 404 Not Found' }).holds).toBe(false);
    expect(judgeHttp({ ...probe, expectStatus: 404 }, { exitCode: 1, stdout: '', stderr: 'HTTP/1.1 404 Not Found' }).holds).toBe(true);
    expect(judgeHttp(probe, { exitCode: 1, stdout: '', stderr: "wget: can't connect" })).toEqual({ holds: false, detail: "no HTTP answer (wget: can't connect)" });
  });

  it('writes CSV cells safely: quotes, separators and spreadsheet formulas', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=cmd()')).toBe("'=cmd()");
    expect(csvCell(-10)).toBe('-10');
    expect(csvCell(null)).toBe('');
  });
});
