/**
 * The literal words a regular expression cannot match without: a cheap test that lets the rules
 * skip most regular expressions on most lines (see keywords.ts).
 *
 * The analysis is conservative: a rule's expression is only skipped when none of the words of one
 * of its clauses is in the line, and any syntax it does not fully understand (back-references,
 * unusual escapes, braces that are not quantifiers) gives no clauses, so the rule is always tested.
 */

/** Words of which every match contains at least one (lower-case ASCII, `\x80` for the rest). */
export type Clause = string[];

interface Quantifier {
  min: number;
  max: number;
}

type Atom =
  | { kind: "char"; ch: string }
  | { kind: "any" } // one character we do not track (class, `.`, `\d`, non-ASCII)
  | { kind: "empty" } // zero-width: `^`, `$`, `\b`, lookarounds
  | { kind: "group"; clauses: Clause[] };

/** Thrown on syntax the analysis does not cover; the rule then has no clauses. */
class Unsupported extends Error {}

const CLASS_ESCAPES = new Set(["d", "D", "w", "W", "s", "S"]);
const CONTROL_ESCAPES: Record<string, string> = { n: "\n", r: "\r", t: "\t", v: "\v", f: "\f" };
const QUANTIFIER = /\{(\d+)(?:(,)(\d*))?\}/y;
/** The symbol for any non-ASCII character (the keyword index maps them all to it). */
const NON_ASCII = "\x80";
/** Shortest word of a branch's second clause (see {@link Parser.alternation}). */
const SECOND_CLAUSE_WORD = 4;
// eslint-disable-next-line no-control-regex -- "not ASCII" is the range from NUL to DEL, negated
const NON_ASCII_ONLY = /^[^\x00-\x7f]+$/;

class Parser {
  private pos = 0;

  constructor(private readonly src: string) {}

  /** The whole expression; every top-level alternative is returned as its source too. */
  parseTop(): { clauses: Clause[]; branches: string[] } {
    const branches: string[] = [];
    let start = 0;
    const clauses = this.alternation((end) => {
      branches.push(this.src.slice(start, end));
      start = end + 1;
    });
    if (this.pos !== this.src.length) throw new Unsupported();
    return { clauses, branches };
  }

  private alternation(onBranchEnd?: (end: number) => void): Clause[] {
    const branches: Clause[][] = [this.sequence()];
    while (this.src[this.pos] === "|") {
      onBranchEnd?.(this.pos);
      this.pos++;
      branches.push(this.sequence());
    }
    onBranchEnd?.(this.pos);
    if (branches.length === 1) return branches[0] ?? [];
    // A match matches one branch, so the union of one clause of each branch is a clause, and a
    // line must satisfy every such clause: each branch's best clause; its second best (so that
    // a common word in one branch's best clause, like "error", does not let every line through);
    // and its second best only when that one's words are not short (short words are common).
    const ranked = branches.map(rankClauses);
    if (ranked.some((r) => r.length === 0)) return [];
    const first = ranked.flatMap((r) => r[0] ?? []);
    const second = ranked.flatMap((r) => r[1] ?? r[0] ?? []);
    const long = (r: Clause[]) => (r[1] && shortestWord(r[1]) >= SECOND_CLAUSE_WORD ? r[1] : r[0]);
    const third = ranked.flatMap((r) => long(r) ?? []);
    return uniqueClauses([first, second, third]);
  }

  private sequence(): Clause[] {
    const clauses: Clause[] = [];
    let run = "";
    const flush = () => {
      if (run) clauses.push([run]);
      run = "";
    };
    while (this.pos < this.src.length && this.src[this.pos] !== "|" && this.src[this.pos] !== ")") {
      const atom = this.atom();
      const q = this.quantifier();
      if (atom.kind === "char" && q.min >= 1) {
        run += atom.ch;
        if (q.max !== 1) flush(); // `ab+` holds "ab"; what follows may come after more b's
        continue;
      }
      flush();
      if (atom.kind === "group" && q.min >= 1) clauses.push(...atom.clauses);
    }
    flush();
    return clauses;
  }

  private quantifier(): Quantifier {
    const c = this.src[this.pos];
    let q: Quantifier | undefined;
    if (c === "*") q = { min: 0, max: Infinity };
    else if (c === "+") q = { min: 1, max: Infinity };
    else if (c === "?") q = { min: 0, max: 1 };
    if (q) this.pos++;
    else if (c === "{") {
      QUANTIFIER.lastIndex = this.pos;
      const m = QUANTIFIER.exec(this.src);
      if (!m) throw new Unsupported(); // a literal brace (legacy syntax): not worth the risk
      this.pos += m[0].length;
      const min = Number(m[1]);
      q = { min, max: m[2] ? (m[3] ? Number(m[3]) : Infinity) : min };
    } else return { min: 1, max: 1 };
    if (this.src[this.pos] === "?") this.pos++; // lazy
    return q;
  }

  private atom(): Atom {
    const c = this.src[this.pos++] ?? "";
    switch (c) {
      case "^":
      case "$":
        return { kind: "empty" };
      case ".":
        return { kind: "any" };
      case "[":
        return this.charClass();
      case "(":
        return this.group();
      case "\\":
        return this.escape();
      case "*":
      case "+":
      case "?":
      case "{":
      case "}":
      case "]":
        throw new Unsupported();
      default:
        return charAtom(c);
    }
  }

  /** A class is one unknown character, except a class of non-ASCII characters only (`[✗✕]`). */
  private charClass(): Atom {
    const start = this.pos;
    if (this.src[this.pos] === "^") this.pos++;
    while (this.pos < this.src.length) {
      const c = this.src[this.pos++];
      if (c === "\\") this.pos++;
      else if (c === "]") {
        const body = this.src.slice(start, this.pos - 1);
        return NON_ASCII_ONLY.test(body) ? { kind: "char", ch: NON_ASCII } : { kind: "any" };
      }
    }
    throw new Unsupported();
  }

  private group(): Atom {
    let zeroWidth = false;
    if (this.src.startsWith("?:", this.pos)) this.pos += 2;
    else if (/^\?<?[=!]/.test(this.src.slice(this.pos, this.pos + 3))) {
      zeroWidth = true;
      this.pos += this.src[this.pos + 1] === "<" ? 3 : 2;
    } else if (this.src.startsWith("?<", this.pos)) {
      const end = this.src.indexOf(">", this.pos);
      if (end === -1) throw new Unsupported();
      this.pos = end + 1;
    } else if (this.src[this.pos] === "?") throw new Unsupported();
    const clauses = this.alternation();
    if (this.src[this.pos] !== ")") throw new Unsupported();
    this.pos++;
    return zeroWidth ? { kind: "empty" } : { kind: "group", clauses };
  }

  private escape(): Atom {
    const c = this.src[this.pos++] ?? "";
    if (CLASS_ESCAPES.has(c)) return { kind: "any" };
    if (c === "b" || c === "B") return { kind: "empty" };
    const control = CONTROL_ESCAPES[c];
    if (control) return charAtom(control);
    if (c === "x" || c === "u") {
      const len = c === "x" ? 2 : 4;
      const hex = this.src.slice(this.pos, this.pos + len);
      if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) throw new Unsupported();
      this.pos += len;
      return charAtom(String.fromCharCode(parseInt(hex, 16)));
    }
    // Back-references, octal, \c, \k, \p and unknown letter escapes: not analysed.
    if (/^[0-9A-Za-z_]$/.test(c) || c === "") throw new Unsupported();
    return charAtom(c);
  }
}

/**
 * Characters as the keyword index sees them: ASCII letters folded to lower case, and every
 * non-ASCII character one symbol (no case folding maps it to or from ASCII, even with `i`).
 */
function charAtom(c: string): Atom {
  const code = c.charCodeAt(0);
  if (code >= 128) return { kind: "char", ch: NON_ASCII };
  return { kind: "char", ch: code >= 65 && code <= 90 ? String.fromCharCode(code + 32) : c };
}

/** Selective clauses by their shortest word, longest first (then fewer words): likely rarest first. */
function rankClauses(clauses: Clause[]): Clause[] {
  return clauses.filter(isSelective).sort((a, b) => shortestWord(b) - shortestWord(a) || a.length - b.length);
}

function uniqueClauses(clauses: Clause[]): Clause[] {
  const seen = new Set<string>();
  return clauses.filter((c) => {
    const key = [...c].sort().join("\n");
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function shortestWord(clause: Clause): number {
  return Math.min(...clause.map((w) => w.length));
}

/**
 * A single ASCII character (`e`, `:`, `.`) is in most lines: looking for it costs the keyword pass
 * more than it saves. Non-ASCII characters (`✗`) are rare enough.
 */
function isSelective(clause: Clause): boolean {
  return clause.every((word) => word.length > 1 || word.charCodeAt(0) >= 128);
}

/**
 * The clauses of an expression: every match contains a word of each clause (words are ASCII,
 * lower-case, `\x80` for any other character; compare with a line read the same way). Single
 * ASCII characters make no clause. Undefined when the expression is not
 * analysed, empty when it has no required word: in both cases it must be tested on every line.
 */
export function requiredClauses(source: string): Clause[] | undefined {
  try {
    return new Parser(source).parseTop().clauses.filter(isSelective).map(dedupe);
  } catch {
    return undefined; // Unsupported syntax, or anything unforeseen: the rule is simply always tested
  }
}

/** The top-level alternatives of an expression (`a|(b|c)|d` gives `a`, `(b|c)`, `d`). */
export function topLevelBranches(source: string): string[] | undefined {
  try {
    return new Parser(source).parseTop().branches;
  } catch {
    return undefined;
  }
}

/** Drops words that contain another word of the clause (that one is found whenever they are). */
function dedupe(clause: Clause): Clause {
  const words = [...new Set(clause)];
  return words.filter((w) => !words.some((o) => o !== w && w.includes(o)));
}
