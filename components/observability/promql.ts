/**
 * Small, tested helpers the alert rules and dashboards write PromQL with: selectors with exactly
 * quoted matchers, numbers and durations as Prometheus reads them, and the longest gap of a cron
 * schedule (how stale a backup may get before it is overdue).
 */
import { CronExpressionParser } from "cron-parser";

/** A label matcher: a value for `=`, or `{ re }` for `=~` (RE2, fully anchored by Prometheus). */
export type Matcher = string | { readonly re: string };
/** A selector's matchers by label name. */
export type Matchers = Readonly<Record<string, Matcher>>;

/** `=~` with this regular expression. */
export const re = (pattern: string): Matcher => ({ re: pattern });

/** A regular expression that matches exactly one of the names. */
export function oneOf(names: readonly string[]): Matcher {
    return re(names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"));
}

/** `series{a="x", b=~"y"}`, values quoted as PromQL strings. */
export function selector(series: string, matchers: Matchers): string {
    const parts = Object.entries(matchers).map(([label, m]) =>
        typeof m === "string" ? `${label}=${JSON.stringify(m)}` : `${label}=~${JSON.stringify(m.re)}`,
    );
    return `${series}{${parts.join(", ")}}`;
}

/** A number as PromQL reads it, without exponent notation (0.05, 900, 7200). */
export function promNumber(value: number): string {
    if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
    return String(Number(value.toPrecision(12)));
}

/** Seconds as a Prometheus duration: 25200 -> `7h`, 5400 -> `1h30m`, 600 -> `10m`, 45 -> `45s`. */
export function promDuration(seconds: number): string {
    if (!Number.isInteger(seconds) || seconds <= 0)
        throw new Error(`not a positive whole number of seconds: ${seconds}`);
    const parts: [number, string][] = [
        [Math.floor(seconds / 3600), "h"],
        [Math.floor((seconds % 3600) / 60), "m"],
        [seconds % 60, "s"],
    ];
    return parts
        .filter(([n]) => n > 0)
        .map(([n, unit]) => `${n}${unit}`)
        .join("");
}

/** A duration as the alert texts say it: `7h`, `1h 30m`. */
export function humanDuration(seconds: number): string {
    return promDuration(seconds).replace(/([hm])(?=\d)/g, "$1 ");
}

const MACROS: Record<string, string> = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
};

/**
 * The longest time between two consecutive runs of a five-field cron schedule (or macro) in UTC,
 * in seconds: `0 *\/6 * * *` -> 21600. It looks at nine weeks of runs (at most 500, at least two),
 * which covers every weekly and monthly pattern a backup schedule has.
 */
export function scheduleMaxGapSeconds(schedule: string): number {
    const expression = MACROS[schedule.trim()] ?? schedule.trim();
    const start = Date.UTC(2028, 0, 1);
    const end = start + 63 * 86_400_000;
    const runs = CronExpressionParser.parse(expression, { tz: "UTC", currentDate: new Date(start - 1000) });
    let previous = runs.next().getTime();
    let longest = 0;
    for (let count = 1; count < 500 && (previous < end || count < 2); count++) {
        const next = runs.next().getTime();
        longest = Math.max(longest, next - previous);
        previous = next;
    }
    return longest / 1000;
}
