/** Plain data types of pipeline-failure triage. */
import type { TriageCategory, TriageMarkerRole, TriageRole } from "../core/config/index.js";

/** Categories a deployment engineer acts on (the rules schema in core/config lists them). */
export { TRIAGE_CATEGORIES as CATEGORIES } from "../core/config/index.js";
export type Category = TriageCategory;
/** What a rule's match means to the pipeline (docs/triage.md#rule-packs). */
export type RuleRole = TriageRole;
/** The roles that name a tool's structure (where a report ends, a command failed…) and never score. */
export type MarkerRole = TriageMarkerRole;

/** Human names of the categories, for output. */
export const CATEGORY_LABELS: Record<Category, string> = {
  compile: "build / compile error",
  test: "test failure",
  lint: "lint / format",
  dependency: "dependency resolution",
  missing_env: "missing environment variable or secret",
  permission: "permission / authentication",
  network: "network / DNS / TLS",
  timeout: "timeout",
  oom: "out of memory / killed",
  disk_full: "disk full",
  health_check: "health or readiness check failure",
  crash: "crash (uncaught exception, panic, fatal signal)",
  infrastructure: "infrastructure / runner error",
  unknown: "unknown",
};

/** A rule as written in a rules file: a regular expression and what a match means. */
export interface RuleSpec {
  /** Stable name, shown as evidence ("matched rule npm-missing-module"). */
  id: string;
  /** JavaScript regular expression source, matched case-insensitively against one cleaned line. */
  match: string;
  /** How strongly a matching line explains a failure (negative: noise that looks like an error). */
  score: number;
  /** The category a match points to; rules without one only score lines. */
  category?: Category;
  /** Probable cause, shown to the user. `$1`… refer to capture groups. */
  cause?: string;
  /** Suggested next step or runbook link. */
  next?: string;
  /** How likely a failure matching this rule is intermittent (0..1). */
  flaky?: number;
  /** Case-sensitive match (default false). */
  caseSensitive?: boolean;
  /**
   * How plainly a matching line names the failure, for the top line (scores do not move): 5 the
   * failing unit (a test id, a compiler diagnostic at a file and line), 4 an error or exception
   * message, 3 a terminal condition (timeout, out of memory, crash, cancellation, a failed build
   * target), 2 a named cause (permission, network, dependency, a tool's `error:` line), 1 a hint;
   * 0 a summary or wrapper that repeats a failure reported elsewhere (never the top line).
   * Rules without one do not rank lines.
   */
  headline?: number;
  /**
   * What a match means: `failure`, `noise` or `rank` score lines (the default, from the sign of
   * `score`); a marker role (`ends-report`, `command-failed`, …) names a tool's structure and
   * never scores.
   */
  role?: RuleRole;
  /** The pack the rule comes from (`node`, `python`, a user file's `pack:`). */
  pack?: string;
}

/** Rules for one ecosystem or CI system, in the rule format (a user's YAML pack is the same data). */
export interface RulePack {
  name: string;
  /** What the pack knows (one line, for the docs). */
  about: string;
  rules: readonly RuleSpec[];
}

/** An inclusive range of 1-based line numbers. */
export interface LineRange {
  start: number;
  end: number;
}

/** One evidence line: number, cleaned text, and the rule that flagged it (if any). */
export interface EvidenceLine {
  line: number;
  text: string;
  rule?: string;
}

/** How likely the failure is intermittent, and why. */
export interface FlakyEstimate {
  probability: number;
  verdict: "flaky" | "real";
  reasons: string[];
}

/** The triage of one failed log. */
export interface TriageResult {
  category: Category;
  categoryLabel: string;
  /** 0..1: how sure the classification is. */
  confidence: number;
  cause: string;
  next: string;
  /** Rules whose matches decided the category. */
  rules: string[];
  /** Ordered line ranges that explain the failure. */
  ranges: LineRange[];
  /** The lines of `ranges` (bounded: long ranges are elided in the middle). */
  evidence: EvidenceLine[];
  /** The single line that best explains the failure. */
  topLine: EvidenceLine | null;
  /** The CI step (GitHub group, GitLab section, Travis fold) the failure lines sit in. */
  failingStep: string | null;
  /** Why these lines: one line per evidence block, naming what made it rank first. */
  why: string[];
  flaky: FlakyEstimate;
  /** Clustering signature: masked template of the top evidence and its hash. */
  signature: { hash: string; template: string };
  /** How the lines were found: zero-shot rules, pass-log diff, confirmed examples. */
  method: "rules" | "pass-diff" | "examples";
  stats: { lines: number; bytes: number };
}

/**
 * A person-confirmed answer for one log of a pipeline: the text of the right lines and, when the
 * log was at hand at confirmation, the lines around them (the anchors the choice is relative to).
 */
export interface ConfirmedExample {
  lines: string[];
  /** The lines just before the chunk, in log order (the last is adjacent to it). */
  before?: string[];
  /** The lines just after the chunk, in log order. */
  after?: string[];
  /** How many lines of the log followed the chunk. */
  linesAfter?: number;
}
