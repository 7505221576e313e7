/**
 * Redis's sdssplitargs: split one config line into arguments. Spaces separate arguments;
 * "double quotes" allow the escapes \n \r \t \b \a \\ \" and \xHH; 'single quotes' allow only \'.
 * A closing quote must be followed by a space or the end of the line. Quotes may start inside an
 * argument (`a"b c"` is one argument `ab c`), as in Redis.
 *
 * Returns null on unbalanced quotes, as sdssplitargs does. \xHH yields the character with that
 * code (one byte for ASCII; above 0x7f a Latin-1 character, since the caller gave us text).
 */

const SPACE = new Set([' ', '\t', '\n', '\r', '\v', '\f']);
const HEX = /^[0-9a-fA-F]{2}$/;

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', b: '\b', a: '\x07' };

export function splitArgs(line: string): string[] | null {
  const args: string[] = [];
  let i = 0;
  const at = (k: number): string => line.charAt(k); // '' past the end, like C's NUL
  for (;;) {
    while (SPACE.has(at(i))) i++;
    if (at(i) === '') return args;
    let current = '';
    let inDouble = false;
    let inSingle = false;
    let done = false;
    while (!done) {
      const c = at(i);
      if (inDouble) {
        if (c === '\\' && at(i + 1) === 'x' && HEX.test(line.slice(i + 2, i + 4))) {
          current += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
          i += 3;
        } else if (c === '\\' && at(i + 1) !== '') {
          i++;
          current += ESCAPES[at(i)] ?? at(i);
        } else if (c === '"') {
          if (at(i + 1) !== '' && !SPACE.has(at(i + 1))) return null;
          done = true;
        } else if (c === '') {
          return null;
        } else {
          current += c;
        }
      } else if (inSingle) {
        if (c === '\\' && at(i + 1) === "'") {
          i++;
          current += "'";
        } else if (c === "'") {
          if (at(i + 1) !== '' && !SPACE.has(at(i + 1))) return null;
          done = true;
        } else if (c === '') {
          return null;
        } else {
          current += c;
        }
      } else if (c === '' || c === ' ' || c === '\n' || c === '\r' || c === '\t') {
        done = true;
      } else if (c === '"') {
        inDouble = true;
      } else if (c === "'") {
        inSingle = true;
      } else {
        current += c;
      }
      if (at(i) !== '') i++;
    }
    args.push(current);
  }
}
