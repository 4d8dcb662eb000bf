/**
 * One pass over a line that finds every keyword of every clause at once (an Aho-Corasick
 * automaton over ASCII, case-folded), so that a rule is only tested with its regular expression
 * when the words it cannot match without are in the line.
 */
import type { Clause } from "./literals.js";

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
        const c = word.charCodeAt(i);
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
    this.next = new Int32Array(goto.length * ALPHABET);
    const fail = new Int32Array(goto.length);
    const queue: number[] = [];
    for (let c = 0; c < ALPHABET; c++) {
      const t = goto[0]?.get(c) ?? 0;
      this.next[c] = t;
      if (t !== 0) queue.push(t);
    }
    // Breadth first, so a state's fallback (longest proper suffix state) is complete before it.
    for (let head = 0; head < queue.length; head++) {
      const s = queue[head] ?? 0;
      for (const id of out[fail[s] ?? 0] ?? []) out[s]?.add(id);
      for (let c = 0; c < ALPHABET; c++) {
        const t = goto[s]?.get(c);
        const viaFail = this.next[(fail[s] ?? 0) * ALPHABET + c] ?? 0;
        if (t === undefined) this.next[s * ALPHABET + c] = viaFail;
        else {
          this.next[s * ALPHABET + c] = t;
          fail[t] = viaFail;
          queue.push(t);
        }
      }
    }
    this.outStart = new Int32Array(goto.length + 1);
    const flat: number[] = [];
    out.forEach((ids, s) => {
      this.outStart[s] = flat.length;
      flat.push(...ids);
    });
    this.outStart[goto.length] = flat.length;
    this.outputs = Int32Array.from(flat);
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
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      let c = text.charCodeAt(i);
      if (c >= ALPHABET) {
        s = 0; // no keyword holds a non-ASCII character
        continue;
      }
      if (c >= 65 && c <= 90) c += 32;
      s = next[s * ALPHABET + c] ?? 0;
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
