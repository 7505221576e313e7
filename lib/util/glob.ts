/**
 * Redis's glob-style pattern matching (stringmatchlen in util.c) over bytes: `*`, `?`,
 * `[abc]`, `[^a]`, `[a-z]`, and `\x` escapes. Used by KEYS, SCAN MATCH and CONFIG GET.
 */
const STAR = 0x2a, QMARK = 0x3f, LBRACKET = 0x5b, RBRACKET = 0x5d, BACKSLASH = 0x5c, CARET = 0x5e, DASH = 0x2d;

function fold(c: number, nocase: boolean): number {
  return nocase && c >= 0x41 && c <= 0x5a ? c + 32 : c;
}

export function globMatch(pattern: Buffer, s: Buffer, nocase = false): boolean {
  // Greedy match with backtracking to the last '*' only: O(pattern * string), never exponential.
  let pi = 0;
  let si = 0;
  let starP = -1;
  let starS = 0;
  while (si < s.length) {
    if (pi < pattern.length) {
      const c = pattern[pi];
      if (c === STAR) {
        starP = pi++;
        starS = si;
        continue;
      }
      const step = matchOne(pattern, pi, s[si], nocase);
      if (step >= 0) {
        pi = step;
        si++;
        continue;
      }
    }
    if (starP < 0) return false;
    pi = starP + 1;
    si = ++starS;
  }
  while (pi < pattern.length && pattern[pi] === STAR) pi++;
  return pi === pattern.length;
}

/** index after the pattern element at pi if it matches ch, else -1 */
function matchOne(p: Buffer, pi: number, ch: number, nocase: boolean): number {
  const c = p[pi];
  if (c === QMARK) return pi + 1;
  if (c === LBRACKET) {
    const r = matchClass(p, pi + 1, ch, nocase);
    return r.ok ? r.next : -1;
  }
  let lit = c;
  if (c === BACKSLASH && pi + 1 < p.length) lit = p[++pi];
  return fold(lit, nocase) === fold(ch, nocase) ? pi + 1 : -1;
}

function matchClass(p: Buffer, pi: number, ch: number, nocase: boolean): { ok: boolean; next: number } {
  const not = p[pi] === CARET;
  if (not) pi++;
  let hit = false;
  const c = fold(ch, nocase);
  while (pi < p.length && p[pi] !== RBRACKET) {
    if (p[pi] === BACKSLASH && pi + 1 < p.length) {
      pi++;
      if (fold(p[pi], nocase) === c) hit = true;
    } else if (pi + 2 < p.length && p[pi + 1] === DASH && p[pi + 2] !== RBRACKET) {
      let lo = fold(p[pi], nocase);
      let hi = fold(p[pi + 2], nocase);
      if (lo > hi) [lo, hi] = [hi, lo];
      if (c >= lo && c <= hi) hit = true;
      pi += 2;
    } else if (fold(p[pi], nocase) === c) {
      hit = true;
    }
    pi++;
  }
  // an unterminated class ends the pattern, as in Redis
  return { ok: not ? !hit : hit, next: pi < p.length ? pi + 1 : pi };
}
