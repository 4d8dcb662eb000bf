/**
 * Why the triage picked its lines, one line per evidence block: the block model's features that
 * lifted the block above the best candidate left out (for the first block), or that scored it
 * (for a companion), so a user can tell a pick by rule words from a pick by where it sits.
 */
import { blockContext, blockFeatures, contributions, linearScore, type BlockModel } from "./block-model.js";
import { withoutOutcomeTail } from "./outcome.js";
import type { Markers } from "./rules/markers.js";
import type { Block } from "./blocks.js";

/** Human names of the block features. */
const FEATURE_TEXT: Record<string, string> = {
  "rule-strength": "rule strength",
  position: "late in the log",
  "in-failed-command": "in a failed command's output",
  "in-last-failed-command": "in the last failed command's output",
  "lines-after": "lines after it",
  "last-candidate": "the last candidate",
  length: "its length",
  "stack-frames": "stack frames",
  red: "coloured red",
  "in-passing-log": "lines the passing log prints too",
  categorized: "lines a categorized rule flags",
  indented: "indented detail",
  repeated: "reported again later",
  "only-outcome": "only says how the run ended",
  "in-named-step": "in a named CI step",
  "failed-command-tail": "last lines of a failed command",
};

const SHOWN = 3;
/** The lines a block reports (without the outcome lines that only close it, as in the ranges). */
function span(b: Block, markers: Markers): string {
  const lines = withoutOutcomeTail(markers, b);
  const start = lines[0]?.no ?? b.start;
  const end = lines[lines.length - 1]?.no ?? b.end;
  return start === end ? `line ${start}` : `lines ${start}-${end}`;
}
const signed = (x: number) => `${x >= 0 ? "+" : ""}${x.toFixed(2)}`;

/** What the strongest rule of a block was, for the rule-strength feature. */
function topRule(b: Block): string | undefined {
  let best: Block["lines"][number] | undefined;
  for (const l of b.lines) if (l.rule && (!best || l.score > best.score)) best = l;
  return best?.rule?.spec.id;
}

function named(feature: string, b: Block): string {
  const text = FEATURE_TEXT[feature] ?? feature;
  const rule = feature === "rule-strength" ? topRule(b) : undefined;
  return rule ? `${text} (${rule})` : text;
}

/**
 * One line per chosen block. `candidates` are every block the model ranked; `chosen` the ones
 * picked, the first being the best.
 */
export function explainBlocks(candidates: readonly Block[], chosen: readonly Block[], totalLines: number, model: BlockModel, markers: Markers): string[] {
  if (chosen.length === 0) return [];
  const ctx = blockContext(candidates, totalLines, markers);
  const scored = candidates.map((b) => {
    const x = blockFeatures(b, ctx);
    return { b, x, s: linearScore(model, x) };
  });
  const of = (b: Block) => scored.find((c) => c.b === b);
  const best = chosen.reduce((a, b) => ((of(b)?.s ?? -Infinity) > (of(a)?.s ?? -Infinity) ? b : a));
  const runnerUp = scored.filter((c) => !chosen.includes(c.b)).sort((a, b) => b.s - a.s)[0];
  return [...chosen].sort((a, b) => a.start - b.start).map((b) => {
    const me = of(b);
    if (!me) return `${span(b, markers)}: the last lines of the log (nothing scored)`;
    const mine = contributions(model, me.x);
    if (b === best && runnerUp) {
      const theirs = new Map(contributions(model, runnerUp.x).map((c) => [c.feature, c.contribution]));
      const margin = mine
        .map((c) => ({ feature: c.feature, d: c.contribution - (theirs.get(c.feature) ?? 0) }))
        .filter((c) => c.d > 0.005)
        .sort((x, y) => y.d - x.d)
        .slice(0, SHOWN);
      const why = margin.map((c) => `${named(c.feature, b)} ${signed(c.d)}`).join(", ");
      return `${span(b, markers)}: ranked first of ${candidates.length} (${me.s.toFixed(2)} vs ${runnerUp.s.toFixed(2)} for ${span(runnerUp.b, markers)})${why ? `: ${why}` : ""}`;
    }
    const why = mine.filter((c) => c.contribution > 0).slice(0, SHOWN).map((c) => `${named(c.feature, b)} ${signed(c.contribution)}`).join(", ");
    return `${span(b, markers)}: ${b === best ? "the only candidate" : "joins the first, nearly as strong"} (${me.s.toFixed(2)})${why ? `: ${why}` : ""}`;
  });
}
