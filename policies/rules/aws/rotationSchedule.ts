/**
 * Secrets Manager rotation schedules (`rotationRules.scheduleExpression`) and the longest time
 * they leave between two rotations, in hours.
 *
 * Two forms, as the Secrets Manager user guide ("Rotation schedules") documents them:
 * - `rate(<n> hour|hours|day|days)`: every n hours or days;
 * - `cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>)`, UTC, where minutes
 *   must be 0, year must be `*`, exactly one of the day fields is `?`, day-of-week counts 1-7 from
 *   SUN, day-of-month allows `L`, and day-of-week allows `<d>L` and `<d>#<n>`.
 *
 * The cron form is parsed here rather than with cron-parser (a dependency of the program, not of
 * the pack): cron-parser reads Unix cron (a sixth field means seconds, Sunday is 0, a restricted
 * day-of-month and day-of-week are ORed), and walking its iterator day by day over the calendar
 * cycle takes more than a second per expression.
 */

/** The longest gap between rotations, or why the expression is not a Secrets Manager schedule. */
export type ScheduleGap = { hours: number; error?: undefined } | { hours?: undefined; error: string };

const RATE = /^rate\(\s*(\d+)\s+(hour|hours|day|days)\s*\)$/;

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const WEEKDAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/** One numeric cron field: its name, its range, and the names it accepts (first name = `min`). */
interface FieldSpec {
    name: string;
    min: number;
    max: number;
    names?: readonly string[];
}

const HOURS: FieldSpec = { name: "hours", min: 0, max: 23 };
const DAY_OF_MONTH: FieldSpec = { name: "day-of-month", min: 1, max: 31 };
const MONTH: FieldSpec = { name: "month", min: 1, max: 12, names: MONTHS };
const DAY_OF_WEEK: FieldSpec = { name: "day-of-week", min: 1, max: 7, names: WEEKDAYS };

class CronError extends Error {}

function value(token: string, spec: FieldSpec): number {
    const named = spec.names?.indexOf(token.toUpperCase()) ?? -1;
    if (named >= 0) return spec.min + named;
    if (!/^\d+$/.test(token)) throw new CronError(`${spec.name} has ${JSON.stringify(token)}`);
    const n = Number(token);
    if (n < spec.min || n > spec.max) {
        throw new CronError(`${spec.name} has ${n}, outside ${spec.min}-${spec.max}`);
    }
    return n;
}

/** The values of one list item: `*`, `n`, `a-b`, each optionally `/step`. */
function itemValues(item: string, spec: FieldSpec): number[] {
    const [range, stepText, extra] = item.split("/");
    if (extra !== undefined) throw new CronError(`${spec.name} has ${JSON.stringify(item)}`);
    let from = spec.min;
    let to = spec.max;
    if (range !== "*") {
        const [a, b, more] = range.split("-");
        if (more !== undefined) throw new CronError(`${spec.name} has ${JSON.stringify(item)}`);
        from = value(a, spec);
        to = b === undefined ? (stepText === undefined ? from : spec.max) : value(b, spec);
        if (to < from) throw new CronError(`${spec.name} has the descending range ${JSON.stringify(item)}`);
    }
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1 || !/^\d+$/.test(stepText ?? "1")) {
        throw new CronError(`${spec.name} has the step ${JSON.stringify(stepText)}`);
    }
    const out: number[] = [];
    for (let v = from; v <= to; v += step) out.push(v);
    return out;
}

function plainField(text: string, spec: FieldSpec): Set<number> {
    return new Set(text.split(",").flatMap((item) => itemValues(item, spec)));
}

/** Which days of a month a schedule fires on. */
type DayMatcher = (day: number, weekday: number, daysInMonth: number) => boolean;

function dayOfMonthMatcher(text: string): DayMatcher {
    let last = false;
    const days = new Set<number>();
    for (const item of text.split(",")) {
        if (item === "L") last = true;
        else itemValues(item, DAY_OF_MONTH).forEach((d) => days.add(d));
    }
    return (day, _weekday, daysInMonth) => days.has(day) || (last && day === daysInMonth);
}

function dayOfWeekMatcher(text: string): DayMatcher {
    const weekdays = new Set<number>();
    const lastOf = new Set<number>();
    const nth: [number, number][] = [];
    for (const item of text.split(",")) {
        const lastMatch = /^(\w+)L$/i.exec(item);
        const nthMatch = /^(\w+)#(\d)$/.exec(item);
        if (item === "L")
            weekdays.add(7); // a bare L is the week's last day, Saturday
        else if (lastMatch) lastOf.add(value(lastMatch[1], DAY_OF_WEEK));
        else if (nthMatch) {
            const n = Number(nthMatch[2]);
            if (n < 1 || n > 5) throw new CronError(`day-of-week has ${JSON.stringify(item)}`);
            nth.push([value(nthMatch[1], DAY_OF_WEEK), n]);
        } else itemValues(item, DAY_OF_WEEK).forEach((d) => weekdays.add(d));
    }
    return (day, weekday, daysInMonth) =>
        weekdays.has(weekday) ||
        (lastOf.has(weekday) && day + 7 > daysInMonth) ||
        nth.some(([w, n]) => w === weekday && Math.ceil(day / 7) === n);
}

/** 2000: from here the Gregorian calendar repeats its weekdays every 28 years until 2100. */
const CYCLE_START_YEAR = 2000;
const CYCLE_YEARS = 28;

function daysIn(year: number, month: number): number {
    if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
    return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** The longest gap of a cron expression's body (the six fields), in hours. */
function cronGap(body: string): number {
    const fields = body.trim().split(/\s+/);
    if (fields.length !== 6) {
        throw new CronError(
            `it has ${fields.length} fields, not the 6 of minutes hours day-of-month month day-of-week year`,
        );
    }
    const [minutes, hoursText, domText, monthText, dowText, year] = fields;
    if (minutes !== "0")
        throw new CronError(`minutes is ${JSON.stringify(minutes)}: rotation windows open on the hour`);
    if (year !== "*") throw new CronError(`year is ${JSON.stringify(year)}, not *`);
    if ((domText === "?") === (dowText === "?")) {
        throw new CronError("exactly one of day-of-month and day-of-week must be ?");
    }
    const hours = [...plainField(hoursText, HOURS)].sort((a, b) => a - b);
    const months = plainField(monthText, MONTH);
    const dayMatches = domText === "?" ? dayOfWeekMatcher(dowText) : dayOfMonthMatcher(domText);

    // Two whole cycles, so every gap of the repeating pattern (the one across a cycle's end too) is
    // seen; days are counted from 1 January 2000 (a Saturday).
    const firingDays: number[] = [];
    let dayNumber = 0;
    let weekday = 7;
    for (let year = CYCLE_START_YEAR; year < CYCLE_START_YEAR + 2 * CYCLE_YEARS; year++) {
        for (let month = 1; month <= 12; month++) {
            const length = daysIn(year, month);
            if (months.has(month)) {
                for (let day = 1; day <= length; day++) {
                    if (dayMatches(day, ((weekday + day - 2) % 7) + 1, length)) firingDays.push(dayNumber + day - 1);
                }
            }
            dayNumber += length;
            weekday = ((weekday + length - 1) % 7) + 1;
        }
    }
    if (firingDays.length === 0) throw new CronError("it never fires: no date has that day and month");
    let longest = 0;
    for (let i = 1; i < hours.length; i++) longest = Math.max(longest, hours[i] - hours[i - 1]);
    const first = hours[0];
    const lastHour = hours[hours.length - 1];
    for (let i = 1; i < firingDays.length; i++) {
        longest = Math.max(longest, (firingDays[i] - firingDays[i - 1]) * 24 + first - lastHour);
    }
    return firingDays.length === 1 ? Infinity : longest;
}

const gaps = new Map<string, ScheduleGap>();

/** The longest time a Secrets Manager schedule expression leaves between rotations (remembered per expression). */
export function scheduleGap(expression: string): ScheduleGap {
    let gap = gaps.get(expression);
    if (gap === undefined) {
        gap = computeGap(expression);
        // stacks repeat a handful of schedules; the bound keeps a generated one from growing the cache
        if (gaps.size < 1000) gaps.set(expression, gap);
    }
    return gap;
}

function computeGap(expression: string): ScheduleGap {
    const text = expression.trim();
    const rate = RATE.exec(text);
    if (rate) {
        const n = Number(rate[1]);
        if (n < 1) return { error: "a rate must be at least 1" };
        return { hours: rate[2].startsWith("hour") ? n : n * 24 };
    }
    if (text.startsWith("rate(")) return { error: "a rate counts whole hours or days, e.g. rate(30 days)" };
    const cron = /^cron\((.*)\)$/.exec(text);
    if (!cron) return { error: "it is neither rate(...) nor cron(...)" };
    try {
        return { hours: cronGap(cron[1]) };
    } catch (e) {
        if (e instanceof CronError) return { error: e.message };
        throw e;
    }
}

/** `90 days`, `36 hours`, `1 day 12 hours` — a gap as messages show it. */
export function formatHours(hours: number): string {
    if (!Number.isFinite(hours)) return "forever";
    const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;
    const days = Math.floor(hours / 24);
    const rest = hours % 24;
    if (days === 0) return plural(rest, "hour");
    return rest === 0 ? plural(days, "day") : `${plural(days, "day")} ${plural(rest, "hour")}`;
}
