/** Longest command line recorded; the rest of a longer one is cut (a paste is not a command). */
export const MAX_RECORDED_LINE = 512;

const ESC = 0x1b;

/**
 * Turns a terminal's input keystrokes into the command lines a person entered, for the team's
 * timeline. Deliberately simple: it sees keys, not the shell's line editor, so it handles
 * printable text, Enter (CR or LF), backspace (DEL or BS), Ctrl-U (kill line) and Ctrl-C (line
 * abandoned), and drops escape sequences (arrows, function keys). A line recalled from history
 * with the arrow keys is therefore recorded only as what was typed after it.
 */
export class CommandLineSplitter {
  private current: number[] = [];
  private escape: 'none' | 'start' | 'csi' | 'osc' = 'none';
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });

  /** Feeds input bytes; returns the lines completed by them (trimmed, empty ones left out). */
  feed(input: Buffer | string): string[] {
    const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
    const lines: string[] = [];
    for (const byte of bytes) {
      if (this.escape !== 'none') {
        this.consumeEscape(byte);
        continue;
      }
      if (byte === ESC) {
        this.escape = 'start';
      } else if (byte === 0x0d || byte === 0x0a) {
        const line = this.decoder.decode(Uint8Array.from(this.current)).trim();
        this.current = [];
        if (line) lines.push(line);
      } else if (byte === 0x7f || byte === 0x08) {
        this.backspace();
      } else if (byte === 0x15 || byte === 0x03) {
        this.current = [];
      } else if (byte >= 0x20 || byte === 0x09) {
        if (this.current.length < MAX_RECORDED_LINE * 4) this.current.push(byte === 0x09 ? 0x20 : byte);
      }
    }
    return lines.map((l) => (l.length > MAX_RECORDED_LINE ? l.slice(0, MAX_RECORDED_LINE) : l));
  }

  private backspace(): void {
    // Drop one whole UTF-8 character: continuation bytes (10xxxxxx) first, then its lead byte.
    while (this.current.length && (this.current[this.current.length - 1]! & 0xc0) === 0x80) this.current.pop();
    this.current.pop();
  }

  private consumeEscape(byte: number): void {
    if (this.escape === 'start') {
      this.escape = byte === 0x5b || byte === 0x4f ? 'csi' : byte === 0x5d ? 'osc' : 'none';
    } else if (this.escape === 'csi') {
      if (byte >= 0x40 && byte <= 0x7e) this.escape = 'none';
    } else if (byte === 0x07 || byte === ESC) {
      this.escape = 'none';
    }
  }
}
