/**
 * One pass over a line that finds every keyword of every clause at once (an Aho-Corasick
 * automaton over ASCII, case-folded), so that a rule is only tested with its regular expression
 * when the words it cannot match without are in the line.
 */
import type { Clause } from "./literals.js";

/**
 * ASCII; every non-ASCII character is read as NUL. Sharing a symbol can only make a word be found
 * where it is not, never the other way round, so a rule is never skipped wrongly.
 */
const ALPHABET = 128;
/** Lines are stamped rather than clearing the hits each time; the stamp wraps here. */
const MAX_STAMP = 0x7fffffff;

/** Finds which clauses have a word in a line; clauses are numbered by {@link KeywordIndex.addClause}. */
export class KeywordIndex {
  private readonly words = new Map<string, number[]>();
  private clauseCount = 0;
  private next = new Int32Array(ALPHABET);
  /** Clauses completed at each state: outputs.slice(outStart[s], outStart[s + 1]). */
  private outStart = new Int32Array(2);
  private outputs = new Int32Array(0);
  private hitStamp = new Int32Array(0);
  private stamp = 0;

  /** Registers a clause and returns its number. */
  addClause(clause: Clause): number {
    const id = this.clauseCount++;
    for (const word of clause) {
      const ids = this.words.get(word);
      if (ids) ids.push(id);
      else this.words.set(word, [id]);
    }
    return id;
  }

  /** Builds the automaton; call once after the last {@link addClause}. */
  build(): void {
    const goto: Map<number, number>[] = [new Map()];
    const out: Set<number>[] = [new Set()];
    for (const [word, ids] of this.words) {
      let s = 0;
      for (let i = 0; i < word.length; i++) {
        const code = word.charCodeAt(i);
        const c = code < ALPHABET ? code : 0;
        let t = goto[s]?.get(c);
        if (t === undefined) {
          t = goto.length;
          goto.push(new Map());
          out.push(new Set());
          goto[s]?.set(c, t);
        }
        s = t;
      }
      for (const id of ids) out[s]?.add(id);
    }
    const { next, fail, order } = transitions(goto);
    // Breadth-first order: a state's fallback has all its words before the state takes them.
    for (const s of order) for (const id of out[fail[s] ?? 0] ?? []) out[s]?.add(id);
    this.outStart = new Int32Array(goto.length + 1);
    const flat: number[] = [];
    out.forEach((ids, s) => {
      this.outStart[s] = flat.length;
      flat.push(...ids);
    });
    this.outStart[goto.length] = flat.length;
    this.outputs = Int32Array.from(flat);
    // A transition into a state that completes a word is stored negated (~row), to be noticed.
    const completes = (row: number) => (this.outStart[row / ALPHABET + 1] ?? 0) > (this.outStart[row / ALPHABET] ?? 0);
    this.next = next.map((row) => (completes(row) ? ~row : row));
    // Upper-case letters go where lower-case ones do: lines need no folding.
    for (let row = 0; row < this.next.length; row += ALPHABET) {
      for (let c = 65; c <= 90; c++) this.next[row + c] = this.next[row + c + 32] ?? 0;
    }
    this.hitStamp = new Int32Array(this.clauseCount);
  }

  /** Scans a line; afterwards {@link has} tells which clauses it satisfies. */
  scan(text: string): void {
    if (this.stamp === MAX_STAMP) {
      this.hitStamp.fill(0);
      this.stamp = 0;
    }
    const stamp = ++this.stamp;
    const { next, outStart, outputs, hitStamp } = this;
    let row = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      const v = next[row + (c < ALPHABET ? c : 0)] ?? 0;
      if (v >= 0) {
        row = v;
        continue;
      }
      row = ~v;
      const s = row / ALPHABET;
      const end = outStart[s + 1] ?? 0;
      for (let o = outStart[s] ?? 0; o < end; o++) hitStamp[outputs[o] ?? 0] = stamp;
    }
  }

  /** True when the last scanned line holds a word of the clause. */
  has(clause: number): boolean {
    return this.hitStamp[clause] === this.stamp;
  }

  /** True when the last scanned line holds a word of every clause. */
  hasAll(clauses: readonly number[]): boolean {
    for (const id of clauses) if (this.hitStamp[id] !== this.stamp) return false;
    return true;
  }
}

/**
 * The full transition table of a trie (values are row offsets, state * ALPHABET), each state's
 * fallback (its longest proper suffix that is a state) and the states in breadth-first order.
 */
function transitions(goto: readonly Map<number, number>[]): { next: Int32Array; fail: Int32Array; order: number[] } {
  const next = new Int32Array(goto.length * ALPHABET);
  const fail = new Int32Array(goto.length);
  const order: number[] = [];
  for (let c = 0; c < ALPHABET; c++) {
    const t = goto[0]?.get(c) ?? 0;
    next[c] = t * ALPHABET;
    if (t !== 0) order.push(t);
  }
  for (let head = 0; head < order.length; head++) {
    const s = order[head] ?? 0;
    for (let c = 0; c < ALPHABET; c++) {
      const t = goto[s]?.get(c);
      const viaFail = next[(fail[s] ?? 0) * ALPHABET + c] ?? 0;
      if (t === undefined) next[s * ALPHABET + c] = viaFail;
      else {
        next[s * ALPHABET + c] = t * ALPHABET;
        fail[t] = viaFail / ALPHABET;
        order.push(t);
      }
    }
  }
  return { next, fail, order };
}
