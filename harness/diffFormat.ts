/**
 * How the offline diff reads: plain text for a terminal, Markdown for a pull-request comment (a
 * summary table with a row per stack, errors in view, each stack's details folded in
 * `<details>`), and the report itself as JSON. Secret values never reach any of them: the diff
 * carries none (harness/diff.ts).
 */
import { diffCounts, hasChanges, InputChange, OptionChange, ResourceRef, ResourceUpdate, StackDiff } from "./diff";

/** One stack's part of a report. */
export interface StackReport {
    stack: string;
    /** The stack has no `Pulumi.<stack>.yaml` at base: everything is created. */
    newAtBase: boolean;
    diff: StackDiff;
}

/** What `npm run diff` compared and found. */
export interface DiffReport {
    base: { ref: string; commit: string; subject: string };
    head: { commit: string; dirty: boolean };
    /** What the reader should know about how the runs were made (a differing lockfile, ...). */
    notes: string[];
    stacks: StackReport[];
}

/** The exit code: 1 on an error, 2 for changes under `--expect-no-changes`, else 0. */
export function diffExitCode(report: DiffReport, expectNoChanges: boolean): number {
    if (report.stacks.some((s) => s.diff.errors.length > 0)) return 1;
    if (expectNoChanges && report.stacks.some((s) => hasChanges(s.diff))) return 2;
    return 0;
}

const MAX_VALUE = 100;

/** A value as the diff prints it: JSON, cut at {@link MAX_VALUE} characters. */
export function showValue(value: unknown): string {
    const text = value === undefined ? "(none)" : JSON.stringify(value);
    return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

/** `path: old -> new`, with `[secret]` for secret values and the replacement rule when one applies. */
export function changeLine(change: InputChange): string {
    const path =
        change.jsonPath === undefined ? change.path : `${change.path} (JSON) ${change.jsonPath || "(whole document)"}`;
    const where = change.order ? `${path} (order of ${change.order}s)` : path;
    const before = change.kind === "added" ? "(none)" : change.secret ? "[secret]" : showValue(change.old);
    const after = change.kind === "removed" ? "(none)" : change.secret ? "[secret]" : showValue(change.new);
    const notes = [
        ...(change.replaces ? [`replaces: ${change.replaces}`] : []),
        ...(change.ignored ? ["ignored: ignoreChanges"] : []),
    ];
    return `${where}: ${before} -> ${after}${notes.map((n) => `  [${n}]`).join("")}`;
}

function optionLine(change: OptionChange): string {
    return `options.${change.option}: ${showValue(change.old)} -> ${showValue(change.new)}`;
}

function updateLines(update: ResourceUpdate): string[] {
    const marks = [
        ...(update.protect ? ["[protected]"] : []),
        ...(update.action === "replace" && update.deleteBeforeReplace ? ["[deleted before the replacement]"] : []),
        ...(update.action === "replace" && update.retainOnDelete ? ["[old one retained: retainOnDelete]"] : []),
        ...(update.renamedFrom ? [`[renamed from ${update.renamedFrom}]`] : []),
    ];
    const head =
        update.action === "replace"
            ? `+- replace  ${update.type}  ${update.name}`
            : `~  update   ${update.type}  ${update.name}`;
    return [
        [head, ...marks].join("  "),
        ...update.changes.map((c) => `       ${changeLine(c)}`),
        ...update.optionChanges.map((c) => `       ${optionLine(c)}`),
    ];
}

function refLine(symbol: string, verb: string, resource: ResourceRef, deleted: boolean): string {
    const marks = [
        ...(resource.protect ? ["[protected]"] : []),
        ...(deleted && resource.retainOnDelete ? ["[retained in the cloud: retainOnDelete]"] : []),
    ];
    return [`${symbol}${verb}  ${resource.type}  ${resource.name}`, ...marks].join("  ");
}

/** One line of counts: `2 to update, 1 to replace, 172 unchanged; 1 new violation (1 mandatory)`. */
export function countsLine(diff: StackDiff): string {
    const c = diffCounts(diff);
    const parts = [
        c.create > 0 ? `${c.create} to create` : "",
        c.update > 0 ? `${c.update} to update` : "",
        c.replace > 0 ? `${c.replace} to replace` : "",
        c.delete > 0 ? `${c.delete} to delete` : "",
        `${c.unchanged} unchanged`,
    ].filter((p) => p !== "");
    const violations =
        c.newViolations + diff.resolvedViolations.length === 0
            ? ""
            : `; ${c.newViolations} new violation${c.newViolations === 1 ? "" : "s"} (${c.newMandatory} mandatory), ` +
              `${diff.resolvedViolations.length} resolved`;
    return `${parts.join(", ")}${violations}`;
}

/** The detail lines of one stack: every change, then violations and protection changes. */
export function stackDetailLines(diff: StackDiff): string[] {
    const lines: string[] = [];
    const replaced = diff.updated.filter((u) => u.action === "replace");
    const updated = diff.updated.filter((u) => u.action === "update");
    for (const u of [...replaced, ...updated]) lines.push(...updateLines(u));
    for (const r of diff.created) lines.push(refLine("+  ", "create ", r, false));
    for (const r of diff.deleted) lines.push(refLine("-  ", "delete ", r, true));
    if (diff.newViolations.length + diff.resolvedViolations.length > 0) {
        lines.push("", "Policy violations (each commit's own pack):");
        for (const v of diff.newViolations)
            lines.push(
                `+  new ${v.enforcementLevel.padEnd(9)} ${v.policyName}  ${v.type}  ${v.name}`,
                `       ${v.message}`,
            );
        for (const v of diff.resolvedViolations)
            lines.push(`-  resolved ${v.enforcementLevel.padEnd(9)} ${v.policyName}  ${v.type}  ${v.name}`);
    }
    if (diff.protectionRemoved.length > 0) {
        lines.push("", "Protection removed:");
        for (const p of diff.protectionRemoved) lines.push(`!  ${p.option} removed from ${p.type}  ${p.name}`);
    }
    return lines;
}

/** A commit subject for a header line: the first 72 characters. */
function subject(report: DiffReport): string {
    const text = report.base.subject;
    return text.length > 72 ? `${text.slice(0, 71)}…` : text;
}

function headLabel(report: DiffReport): string {
    return `working tree at ${report.head.commit.slice(0, 7)}${report.head.dirty ? " (with uncommitted changes)" : ""}`;
}

const OFFLINE_NOTE =
    "Offline, under the mock engine: ids and ARNs are placeholders, so a change only the cloud computes does not show.";

/** The text report: per stack its changes, counts and errors. */
export function renderText(report: DiffReport): string[] {
    const lines = [
        `Offline diff: base ${report.base.commit.slice(0, 7)} (${report.base.ref}: ${subject(report)}) -> ${headLabel(report)}`,
        OFFLINE_NOTE,
        ...report.notes.map((n) => `Note: ${n}`),
    ];
    for (const s of report.stacks) {
        lines.push("", `Stack ${s.stack}${s.newAtBase ? " (new: no Pulumi." + s.stack + ".yaml at base)" : ""}:`);
        const details = stackDetailLines(s.diff);
        if (details.length > 0) lines.push(...details.map((l) => (l === "" ? "" : `  ${l}`)), "");
        lines.push(`  ${hasChanges(s.diff) ? countsLine(s.diff) : `no changes (${s.diff.unchanged} unchanged)`}`);
        for (const e of s.diff.errors) lines.push(`  ERROR ${e}`);
    }
    return lines;
}

/** GitHub refuses comments over 65,536 characters; the details are cut to stay well under it. */
const MAX_MARKDOWN = 60_000;

function fence(lines: readonly string[]): string[] {
    // A fence longer than any run of backticks in the content, so no value can close it.
    const longest = Math.max(2, ...lines.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((m) => m.length))));
    const f = "`".repeat(longest + 1);
    return [`${f}diff`, ...lines, f];
}

function cell(text: string): string {
    return text.replace(/\|/g, "\\|");
}

/** The pull-request comment: summary table, errors, folded details, how it was made. */
export function renderMarkdown(report: DiffReport): string {
    const out = [
        `### Offline diff: \`${report.base.commit.slice(0, 7)}\` → ${headLabel(report)}`,
        "",
        "| Stack | Create | Update | Replace | Delete | Unchanged | New violations | Result |",
        "|---|--:|--:|--:|--:|--:|--:|---|",
    ];
    for (const s of report.stacks) {
        const c = diffCounts(s.diff);
        const result =
            s.diff.errors.length > 0
                ? `:x: ${s.diff.errors.length} error${s.diff.errors.length === 1 ? "" : "s"}`
                : hasChanges(s.diff)
                  ? "changes"
                  : "no changes";
        const violations = c.newViolations === 0 ? "0" : `${c.newViolations} (${c.newMandatory} mandatory)`;
        out.push(
            `| ${cell(s.stack)} | ${c.create} | ${c.update} | ${c.replace} | ${c.delete} | ${c.unchanged} | ${violations} | ${result} |`,
        );
    }
    const budget = Math.floor(MAX_MARKDOWN / Math.max(1, report.stacks.length));
    for (const s of report.stacks) {
        if (!hasChanges(s.diff)) continue;
        out.push("");
        for (const e of s.diff.errors) out.push(`- :x: **${cell(s.stack)}**: ${e.replace(/[<>]/g, "")}`);
        if (s.diff.errors.length > 0) out.push("");
        let details = stackDetailLines(s.diff);
        let size = 0;
        const kept = details.findIndex((l) => (size += l.length + 1) > budget);
        if (kept >= 0)
            details = [
                ...details.slice(0, kept),
                `… ${details.length - kept} more lines: run npm run diff -- ${s.stack}`,
            ];
        out.push(
            "<details>",
            `<summary><b>${s.stack}</b>: ${countsLine(s.diff)}</summary>`,
            "",
            ...fence(details),
            "",
            "</details>",
        );
    }
    out.push(
        "",
        `<sub>${OFFLINE_NOTE} Base: ${report.base.ref} (${subject(report).replace(/[<>]/g, "")}).` +
            `${report.notes.map((n) => ` ${n}`).join("")}</sub>`,
    );
    return out.join("\n");
}
