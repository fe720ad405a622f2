import { CommandLineSplitter, MAX_RECORDED_LINE } from './command-lines.js';
import { parseClientControl } from './protocol.js';
import { ScrollBack } from './scroll-back.js';
import { killArgv, parseSessionId } from './shell-process.js';

describe('ScrollBack', () => {
  it('keeps the last bytes only, oldest first, across wrap-arounds', () => {
    const ring = new ScrollBack(8);
    ring.push(Buffer.from('abc'));
    expect(ring.snapshot().toString()).toBe('abc');
    ring.push(Buffer.from('defgh'));
    expect(ring.snapshot().toString()).toBe('abcdefgh');
    ring.push(Buffer.from('ij'));
    expect(ring.snapshot().toString()).toBe('cdefghij');
    ring.push(Buffer.from('0123456789xyz'));
    expect(ring.snapshot().toString()).toBe('56789xyz');
    ring.push(Buffer.from('Q'));
    expect(ring.snapshot().toString()).toBe('6789xyzQ');
    expect(ring.size).toBe(8);
  });

  it('stays bounded whatever is pushed', () => {
    const ring = new ScrollBack(1024);
    let all = '';
    for (let i = 0; i < 5000; i++) {
      const piece = `line ${i}\r\n`;
      all += piece;
      ring.push(Buffer.from(piece));
    }
    expect(ring.snapshot().toString()).toBe(all.slice(-1024));
  });
});

describe('CommandLineSplitter', () => {
  it('splits on CR or LF and leaves empty lines out', () => {
    const s = new CommandLineSplitter();
    expect(s.feed('host')).toEqual([]);
    expect(s.feed('name\r')).toEqual(['hostname']);
    expect(s.feed('\r\r  ps  \n')).toEqual(['ps']);
  });

  it('applies backspace to whole characters, Ctrl-U and Ctrl-C drop the line', () => {
    const s = new CommandLineSplitter();
    expect(s.feed('lsx\x7f -l\r')).toEqual(['ls -l']);
    expect(s.feed('ない\x7fよ\r')).toEqual(['なよ']);
    expect(s.feed('rm -rf /\x15echo ok\r')).toEqual(['echo ok']);
    expect(s.feed('sleep 100\x03\r')).toEqual([]);
  });

  it('drops escape sequences (arrows, OSC) and cuts long lines', () => {
    const s = new CommandLineSplitter();
    expect(s.feed('cat\x1b[Afile\x1bOB\x1b]0;title\x07 x\r')).toEqual(['catfile x']);
    const long = s.feed('a'.repeat(5000) + '\r');
    expect(long[0]).toHaveLength(MAX_RECORDED_LINE);
  });
});

describe('parseSessionId', () => {
  it('waits for the whole sequence, then gives the id and the rest', () => {
    expect(parseSessionId(Buffer.from('\x1b]cyder-term'))).toEqual({ sid: null, rest: null });
    const parsed = parseSessionId(Buffer.from('\x1b]cyder-terminal;42\x07\r\n/ $ '));
    expect(parsed.sid).toBe(42);
    expect(parsed.rest!.toString()).toBe('\r\n/ $ ');
  });

  it('refuses output that is not the wrapper', () => {
    expect(() => parseSessionId(Buffer.from('OCI runtime exec failed: no such file'))).toThrow(/did not start/);
    expect(() => parseSessionId(Buffer.from('\x1b]cyder-terminal;0;rm\x07'))).toThrow(/no session id/);
  });
});

describe('killArgv', () => {
  it('passes the session id and marker as arguments, not inside the script', () => {
    const argv = killArgv(17, 'CYDER_TERMINAL=abc');
    expect(argv.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    expect(argv.slice(3)).toEqual(['terminal-kill', '17', 'CYDER_TERMINAL=abc']);
    expect(argv[2]).not.toContain('abc');
    expect(killArgv(null, 'm')[4]).toBe('0');
  });
});

describe('parseClientControl', () => {
  it('reads resize, takeover and release, clamping sizes', () => {
    expect(parseClientControl('{"type":"resize","cols":120,"rows":40}')).toEqual({ type: 'resize', cols: 120, rows: 40 });
    expect(parseClientControl('{"type":"resize","cols":9999,"rows":9999}')).toEqual({ type: 'resize', cols: 500, rows: 200 });
    expect(parseClientControl('{"type":"takeover"}')).toEqual({ type: 'takeover' });
    expect(parseClientControl('{"type":"release"}')).toEqual({ type: 'release' });
  });

  it('treats everything else as terminal input', () => {
    expect(parseClientControl('ls\r')).toBeNull();
    expect(parseClientControl('{"type":"resize","cols":0,"rows":10}')).toBeNull();
    expect(parseClientControl('{"type":"exec","argv":["id"]}')).toBeNull();
    expect(parseClientControl(' {"type":"takeover"}')).toBeNull();
    expect(parseClientControl('{"type":"takeover"')).toBeNull();
  });
});
