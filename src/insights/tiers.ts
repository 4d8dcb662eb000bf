/**
 * Performance tiers by DORA report year, as data. Each key lists its tiers from best to worst
 * with the band the report gives; a value gets the first tier whose band holds it.
 *
 * 2024 (Accelerate State of DevOps Report 2024, "software delivery performance levels"):
 * the report's change failure rates are cluster centres and not ordered (medium 10 % is below
 * high 20 %); they are used as printed, first match from elite down, so 8 % is "high". The
 * report measured rework rate but gave it no tiers: it has none here.
 */

export type Tier = "elite" | "high" | "medium" | "low";
export type DoraKey = "deploymentFrequency" | "leadTime" | "changeFailRate" | "recoveryTime" | "reworkRate";

/** `atLeast` for frequencies (per day), `atMost` for durations (ms) and rates (0..1). */
export type Band = { tier: Tier; atLeast: number; label: string } | { tier: Tier; atMost: number; label: string };

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const TIER_TABLES: Readonly<Record<number, Partial<Record<DoraKey, readonly Band[]>>>> = {
  2024: {
    deploymentFrequency: [
      { tier: "elite", atLeast: 1, label: "on demand (several deploys a day)" },
      { tier: "high", atLeast: 1 / 7, label: "between once a day and once a week" },
      { tier: "medium", atLeast: 1 / 30, label: "between once a week and once a month" },
      { tier: "low", atLeast: 0, label: "between once a month and once every six months" },
    ],
    leadTime: [
      { tier: "elite", atMost: DAY, label: "less than one day" },
      { tier: "high", atMost: 7 * DAY, label: "between one day and one week" },
      { tier: "medium", atMost: 30 * DAY, label: "between one week and one month" },
      { tier: "low", atMost: Number.POSITIVE_INFINITY, label: "between one month and six months" },
    ],
    changeFailRate: [
      { tier: "elite", atMost: 0.05, label: "5%" },
      { tier: "high", atMost: 0.2, label: "20%" },
      { tier: "medium", atMost: 0.1, label: "10%" },
      { tier: "low", atMost: 1, label: "40%" },
    ],
    recoveryTime: [
      { tier: "elite", atMost: HOUR, label: "less than one hour" },
      { tier: "high", atMost: DAY, label: "less than one day" },
      { tier: "low", atMost: Number.POSITIVE_INFINITY, label: "between one week and one month" },
    ],
  },
};

export const DEFAULT_REPORT_YEAR = 2024;

/** The tier of a value for a key in a year's table: null when the value is missing or the table has no tiers for the key. */
export function tierOf(year: number, key: DoraKey, value: number | null): Band | null {
  if (value === null) return null;
  const bands = TIER_TABLES[year]?.[key];
  if (!bands) return null;
  return bands.find((b) => ("atLeast" in b ? value >= b.atLeast : value <= b.atMost)) ?? null;
}

export const reportYears = (): number[] => Object.keys(TIER_TABLES).map(Number).sort((a, b) => b - a);
