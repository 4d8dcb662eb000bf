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
    const { children, out } = this.trie();
    const next = new Int32Array(children.length * ALPHABET);
    const fail = new Int32Array(children.length);
    // Breadth first: a state's fallback (its longest proper suffix that is a state) is shallower,
    // so the fallback's row and words are complete before the state copies them.
    const queue = [0];
    for (let head = 0; head < queue.length; head++) {
      const s = queue[head] ?? 0;
      const row = s * ALPHABET;
      const failRow = (fail[s] ?? 0) * ALPHABET;
      if (s !== 0) next.copyWithin(row, failRow, failRow + ALPHABET);
      for (const [c, t] of children[s] ?? []) {
        const f = s === 0 ? 0 : rowOf(next[failRow + c] ?? 0) / ALPHABET;
        fail[t] = f;
        const words = out[t] ?? new Set<number>();
        for (const id of out[f] ?? []) words.add(id);
        // A transition into a state that completes a word is stored negated (~row), to be noticed.
        const target = words.size > 0 ? ~(t * ALPHABET) : t * ALPHABET;
        next[row + c] = target;
        if (c >= 97 && c <= 122) next[row + c - 32] = target; // lines need no case folding
        queue.push(t);
      }
    }
    this.next = next;
    this.outStart = new Int32Array(children.length + 1);
    const flat: number[] = [];
    out.forEach((ids, s) => {
      this.outStart[s] = flat.length;
      flat.push(...ids);
    });
    this.outStart[children.length] = flat.length;
    this.outputs = Int32Array.from(flat);
    this.hitStamp = new Int32Array(this.clauseCount);
  }

  /** The trie of the words (folded as lines are read) and the clauses each state completes. */
  private trie(): { children: Map<number, number>[]; out: Set<number>[] } {
    const children: Map<number, number>[] = [new Map()];
    const out: Set<number>[] = [new Set()];
    for (const [word, ids] of this.words) {
      let s = 0;
      for (let i = 0; i < word.length; i++) {
        const code = word.charCodeAt(i);
        const c = code >= ALPHABET ? 0 : code >= 65 && code <= 90 ? code + 32 : code;
        let t = children[s]?.get(c);
        if (t === undefined) {
          t = children.length;
          children.push(new Map());
          out.push(new Set());
          children[s]?.set(c, t);
        }
        s = t;
      }
      for (const id of ids) out[s]?.add(id);
    }
    return { children, out };
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

/** The row offset a stored transition leads to (negated when it completes a word). */
function rowOf(v: number): number {
  return v < 0 ? ~v : v;
}
