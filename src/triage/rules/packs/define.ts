/** Helpers that write a pack's entries in the rule format (RuleSpec), role and all. */
import { scoringRole } from "../../../core/config/index.js";
import type { Category, MarkerRole, RulePack, RuleSpec } from "../../types.js";

/** A scoring rule; its role (`failure`, `noise`, `rank`) follows from the sign of its score. */
export const rule = (id: string, score: number, match: string, category?: Category, extra: Partial<RuleSpec> = {}): RuleSpec => ({
  id,
  score,
  match,
  role: scoringRole(score),
  ...(category ? { category } : {}),
  ...extra,
});

/** A marker: a tool's structure (where a report ends, a command failed…); it never scores. */
export const marker = (id: string, role: MarkerRole, match: string, extra: Partial<RuleSpec> = {}): RuleSpec => ({ id, score: 0, match, role, ...extra });

/** A pack: its entries carry its name. */
export const pack = (name: string, about: string, rules: readonly RuleSpec[]): RulePack => ({ name, about, rules: rules.map((r) => ({ ...r, pack: name })) });
