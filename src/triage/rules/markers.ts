/**
 * Markers: rule entries with a marker role (docs/triage.md#rule-packs) compiled into one test per
 * role, so the pipeline asks "does this line end a report?" without naming any tool.
 */
import { TRIAGE_MARKER_ROLES } from "../../core/config/index.js";
import type { Category, MarkerRole, RuleSpec } from "../types.js";

/** Whether a cleaned line plays a role. */
export interface RoleTest {
  test(text: string): boolean;
  /** The category the line's entry gives, for the roles whose entries may carry one (`warnings-fatal`). */
  categoryOf?(text: string): Category | undefined;
}

/** One test per marker role. */
export type Markers = Readonly<Record<MarkerRole, RoleTest>>;

const NEVER: RoleTest = { test: () => false };
// A backreference (`\1`) or a named group counts groups: such an expression cannot join others.
const COUNTS_GROUPS = /\\[1-9]|\\k<|\(\?<[A-Za-z]/;

/** True when the spec's role is a marker role (it names structure and never scores). */
export function isMarker(spec: RuleSpec): boolean {
  return spec.role !== undefined && (TRIAGE_MARKER_ROLES as readonly string[]).includes(spec.role);
}

/** Joins expressions of one case mode into as few regular expressions as they allow. */
function joined(sources: readonly string[], flags: string): RegExp[] {
  const alone = sources.filter((s) => COUNTS_GROUPS.test(s));
  const together = sources.filter((s) => !COUNTS_GROUPS.test(s));
  const out = alone.map((s) => new RegExp(s, flags));
  if (together.length > 0) out.push(new RegExp(together.length === 1 ? (together[0] as string) : together.map((s) => `(?:${s})`).join("|"), flags));
  return out;
}

function roleTest(specs: readonly RuleSpec[]): RoleTest {
  const categorized = specs.filter((s) => s.category !== undefined).map((s) => ({ re: new RegExp(s.match, s.caseSensitive ? "" : "i"), category: s.category as Category }));
  const test = joinedTest(specs);
  // Asked only of a line that plays the role (rare), so testing the entries one by one is cheap.
  return categorized.length === 0 ? test : { test: (text) => test.test(text), categoryOf: (text) => categorized.find((c) => c.re.test(text))?.category };
}

function joinedTest(specs: readonly RuleSpec[]): RoleTest {
  const res = [...joined(specs.filter((s) => s.caseSensitive).map((s) => s.match), ""), ...joined(specs.filter((s) => !s.caseSensitive).map((s) => s.match), "i")];
  if (res.length === 0) return NEVER;
  if (res.length === 1) return res[0] as RegExp;
  return { test: (text) => res.some((re) => re.test(text)) };
}

/** Compiles the marker entries (already deduplicated by id) into one test per role. */
export function compileMarkers(specs: readonly RuleSpec[]): Markers {
  const byRole = new Map<MarkerRole, RuleSpec[]>();
  for (const spec of specs) {
    const role = spec.role as MarkerRole;
    const list = byRole.get(role);
    if (list) list.push(spec);
    else byRole.set(role, [spec]);
  }
  return Object.fromEntries(TRIAGE_MARKER_ROLES.map((role) => [role, roleTest(byRole.get(role) ?? [])])) as Record<MarkerRole, RoleTest>;
}
