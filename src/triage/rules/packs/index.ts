/**
 * The built-in rule packs, one per ecosystem or CI system, in the rule format a user's YAML pack
 * uses too (docs/triage.md#rule-packs). Every tool's knowledge lives here as data: scoring rules
 * (`failure`, `noise`, `rank`) and markers (where a report ends, a command failed, …).
 */
import type { RulePack, RuleSpec } from "../../types.js";
import { APPLE_PACK } from "./apple.js";
import { BEAM_PACK } from "./beam.js";
import { CI_PACK } from "./ci.js";
import { CONTAINERS_PACK } from "./containers.js";
import { DOCS_PACK } from "./docs.js";
import { DOTNET_PACK } from "./dotnet.js";
import { GENERIC_PACK } from "./generic.js";
import { GO_PACK } from "./go.js";
import { HASKELL_PACK } from "./haskell.js";
import { INFRA_PACK } from "./infra.js";
import { JVM_PACK } from "./jvm.js";
import { LISP_PACK } from "./lisp.js";
import { LUA_PACK } from "./lua.js";
import { NATIVE_PACK } from "./native.js";
import { NODE_PACK } from "./node.js";
import { PERL_PACK } from "./perl.js";
import { PHP_PACK } from "./php.js";
import { PYTHON_PACK } from "./python.js";
import { R_PACK } from "./r.js";
import { RUBY_PACK } from "./ruby.js";
import { RUST_PACK } from "./rust.js";
import { TEX_PACK } from "./tex.js";

/** The built-in packs. */
export const BUILT_IN_PACKS: readonly RulePack[] = [GENERIC_PACK, CI_PACK, NODE_PACK, PYTHON_PACK, JVM_PACK, GO_PACK, RUST_PACK, NATIVE_PACK, RUBY_PACK, PHP_PACK, BEAM_PACK, HASKELL_PACK, R_PACK, DOTNET_PACK, APPLE_PACK, PERL_PACK, LISP_PACK, LUA_PACK, TEX_PACK, DOCS_PACK, INFRA_PACK, CONTAINERS_PACK];

/** Every built-in entry, pack after pack. */
export const DEFAULT_RULES: readonly RuleSpec[] = BUILT_IN_PACKS.flatMap((p) => p.rules);
