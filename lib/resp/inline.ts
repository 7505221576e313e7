/**
 * Inline commands (`PING`, `SET "a b" c` typed into telnet): Redis's sdssplitargs over one line.
 *
 * - Arguments are separated by spaces, tabs, \r or \n; leading blanks may also be \v or \f.
 * - "double quotes" understand \n \r \t \b \a, \xHH and \<any> (the char itself).
 * - 'single quotes' understand only \' .
 * - A closing quote must be followed by a blank or the end of the line; an unterminated quote or
 *   a quote followed by something else makes the whole line invalid (null).
 * - The line is a C string for sdssplitargs, so it ends at its first NUL byte.
 * - Quotes may start in the middle of an argument: foo"bar baz" is one argument `foobar baz`.
 *
 * Unquoted arguments are zero-copy slices of `line`.
 */
export function splitInlineArgs(line: Buffer): Buffer[] | null {
  const nul = line.indexOf(0);
  const end = nul < 0 ? line.length : nul;
  const args: Buffer[] = [];
  let p = 0;
  for (;;) {
    while (p < end && isSpace(line[p]!)) p++;
    if (p >= end) return args;
    const start = p;
    while (p < end && !endsPlainToken(line[p]!)) p++;
    if (p >= end || !isQuote(line[p]!)) {
      args.push(line.subarray(start, p));
      if (p < end) p++; // the separator
      continue;
    }
    const bytes: number[] = Array.from(line.subarray(start, p));
    const next = readQuotedToken(line, p, end, bytes);
    if (next < 0) return null;
    args.push(Buffer.from(bytes));
    p = next;
  }
}

/**
 * Continues a token at `p` (a quote char) in sdssplitargs's state machine, appending its bytes.
 * Returns the position after the token, or -1 for unbalanced quotes.
 */
function readQuotedToken(line: Buffer, p: number, end: number, bytes: number[]): number {
  const at = (i: number): number => (i < end ? line[i]! : 0);
  let inDouble = false;
  let inSingle = false;
  for (;;) {
    const c = at(p);
    if (inDouble) {
      if (c === 0x5c && at(p + 1) === 0x78 && isHex(at(p + 2)) && isHex(at(p + 3))) {
        bytes.push(hexValue(at(p + 2)) * 16 + hexValue(at(p + 3)));
        p += 3;
      } else if (c === 0x5c && at(p + 1) !== 0) {
        p++;
        bytes.push(unescape(at(p)));
      } else if (c === 0x22) {
        const after = at(p + 1);
        if (after !== 0 && !isSpace(after)) return -1;
        return p + 1;
      } else if (c === 0) {
        return -1;
      } else {
        bytes.push(c);
      }
    } else if (inSingle) {
      if (c === 0x5c && at(p + 1) === 0x27) {
        p++;
        bytes.push(0x27);
      } else if (c === 0x27) {
        const after = at(p + 1);
        if (after !== 0 && !isSpace(after)) return -1;
        return p + 1;
      } else if (c === 0) {
        return -1;
      } else {
        bytes.push(c);
      }
    } else if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0) {
      return c === 0 ? p : p + 1;
    } else if (c === 0x22) {
      inDouble = true;
    } else if (c === 0x27) {
      inSingle = true;
    } else {
      bytes.push(c);
    }
    if (c !== 0) p++;
  }
}

/** C isspace in the C locale. */
function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

function isQuote(c: number): boolean {
  return c === 0x22 || c === 0x27;
}

/** Ends the zero-copy scan of an unquoted token: a separator or a quote. */
function endsPlainToken(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x22 || c === 0x27;
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

function hexValue(c: number): number {
  if (c <= 0x39) return c - 0x30;
  return (c | 0x20) - 0x61 + 10;
}

function unescape(c: number): number {
  switch (c) {
    case 0x6e: return 0x0a; // n
    case 0x72: return 0x0d; // r
    case 0x74: return 0x09; // t
    case 0x62: return 0x08; // b
    case 0x61: return 0x07; // a
    default: return c;
  }
}
