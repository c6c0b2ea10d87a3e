/**
 * Alerting rules as data, and the PrometheusRule spec (`spec.groups`, exactly a Prometheus rule
 * file) they render to. Every alert carries `severity`, a `summary`, a `description` and a
 * `runbook_url`; nothing else is accepted, so an alert nobody can act on never ships.
 */
import { ArgumentProblem, ProblemList } from "../errors";
import { DURATION_ALLOWED, parseDurationSeconds } from "../validators";

/** How urgently a human must act: `critical` pages, `warning` goes to the team's channel. */
export type Severity = "critical" | "warning" | "info";

/** One alerting rule. */
export interface AlertRule {
    /** UpperCamelCase, unique in the PrometheusRule. */
    readonly alert: string;
    /** The PromQL expression; every series it returns is an alert. */
    readonly expr: string;
    /** How long the expression must hold before the alert fires, e.g. `5m`. Default: at once. */
    readonly for?: string;
    readonly severity: Severity;
    /** One line; may use `{{ $labels.x }}` and `{{ $value }}`. */
    readonly summary: string;
    /** What is wrong and what it means for users. */
    readonly description: string;
    /** Where a responder reads what to do: a URL with the runbook section's `#anchor`. */
    readonly runbookUrl: string;
    /** Extra labels on the alert (routing). Default: none. */
    readonly labels?: Readonly<Record<string, string>>;
}

/** Rules evaluated together. */
export interface AlertGroup {
    /** A DNS-label-like name, unique in the PrometheusRule. */
    readonly name: string;
    readonly rules: readonly AlertRule[];
}

/** One rule as Prometheus reads it. */
export interface RenderedRule {
    alert: string;
    expr: string;
    for?: string;
    labels: Record<string, string>;
    annotations: { summary: string; description: string; runbook_url: string };
}

/** A PrometheusRule's `spec`, which is also a Prometheus rule file. */
export interface RuleFileSpec {
    groups: { name: string; rules: RenderedRule[] }[];
}

/** The PrometheusRule spec of the groups, in order; `severity` is the first label. */
export function ruleFileSpec(groups: readonly AlertGroup[]): RuleFileSpec {
    return {
        groups: groups.map((group) => ({
            name: group.name,
            rules: group.rules.map((rule) => ({
                alert: rule.alert,
                expr: rule.expr,
                ...(rule.for === undefined ? {} : { for: rule.for }),
                labels: { severity: rule.severity, ...(rule.labels ?? {}) },
                annotations: { summary: rule.summary, description: rule.description, runbook_url: rule.runbookUrl },
            })),
        })),
    };
}

/** Every problem of the groups: names, durations, severities, empty texts, runbook anchors. */
export function alertGroupProblems(groups: readonly AlertGroup[]): ArgumentProblem[] {
    const problems = new ProblemList();
    const groupNames = new Set<string>();
    const alertNames = new Set<string>();
    if (groups.length === 0) problems.add("groups", [], "at least one group of alerts");
    groups.forEach((group, g) => {
        const at = `groups[${g}]`;
        if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(group.name)) {
            problems.add(`${at}.name`, group.name, "lower-case letters, digits and '-', e.g. relay");
        } else if (groupNames.has(group.name)) problems.add(`${at}.name`, group.name, "a group name used once");
        groupNames.add(group.name);
        if (group.rules.length === 0) problems.add(`${at}.rules`, [], "at least one alert");
        group.rules.forEach((rule, r) => {
            const here = `${at}.rules[${r}]`;
            if (!/^[A-Z][A-Za-z0-9]*$/.test(rule.alert)) {
                problems.add(`${here}.alert`, rule.alert, "an UpperCamelCase alert name, e.g. RelayNodeDown");
            } else if (alertNames.has(rule.alert)) problems.add(`${here}.alert`, rule.alert, "an alert name used once");
            alertNames.add(rule.alert);
            if (rule.expr.trim() === "") problems.add(`${here}.expr`, rule.expr, "a PromQL expression");
            if (rule.for !== undefined && parseDurationSeconds(rule.for) === undefined) {
                problems.add(`${here}.for`, rule.for, DURATION_ALLOWED);
            }
            if (!["critical", "warning", "info"].includes(rule.severity)) {
                problems.add(`${here}.severity`, rule.severity, "critical, warning or info");
            }
            for (const field of ["summary", "description"] as const) {
                if (rule[field].trim() === "")
                    problems.add(`${here}.${field}`, rule[field], "a sentence for the responder");
            }
            if (!/#[a-z0-9-]+$/.test(rule.runbookUrl)) {
                problems.add(`${here}.runbookUrl`, rule.runbookUrl, "the runbook's URL with its section's #anchor");
            }
            if (rule.labels && "severity" in rule.labels) {
                problems.add(`${here}.labels.severity`, rule.labels.severity, "nothing: set severity instead");
            }
        });
    });
    return problems.problems;
}
