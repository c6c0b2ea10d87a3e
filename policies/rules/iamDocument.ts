/**
 * IAM-style policy documents (IAM, KMS key policies, S3 bucket policies, trust policies) as the
 * rules see them: providers take them as JSON strings (what `pulumi.jsonStringify` produces) or
 * as objects; `Statement` may be one object or a list; `Action`, `Resource` and principals may be
 * a string or a list. Everything is normalised to lists here.
 */
import { asArray, asRecord, show } from "./util";

/** One statement, normalised. */
export interface Statement {
    index: number;
    sid?: string;
    effect: string;
    actions: string[];
    notActions: string[] | undefined;
    resources: string[];
    notResources: string[] | undefined;
    /** Principal, by kind (`AWS`, `Service`, `Federated`, or `*` for the bare `"*"` form). */
    principals: Record<string, string[]> | undefined;
    notPrincipals: Record<string, string[]> | undefined;
    /** Condition operator -> condition key -> values (always a list of strings). */
    conditions: Record<string, Record<string, string[]>>;
}

/** A parsed document, or why it could not be parsed. */
export type ParsedDocument = { statements: Statement[]; error?: undefined } | { statements: []; error: string };

function strings(value: unknown): string[] {
    if (value === undefined || value === null) return [];
    return (Array.isArray(value) ? value : [value]).map((v) => (typeof v === "string" ? v : JSON.stringify(v)));
}

function optionalStrings(value: unknown): string[] | undefined {
    return value === undefined || value === null ? undefined : strings(value);
}

function principals(value: unknown): Record<string, string[]> | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value === "string") return { "*": [value] };
    const record = asRecord(value);
    if (!record) return { "*": strings(value) };
    const out: Record<string, string[]> = {};
    for (const [kind, v] of Object.entries(record)) out[kind] = strings(v);
    return out;
}

function conditions(value: unknown): Record<string, Record<string, string[]>> {
    const out: Record<string, Record<string, string[]>> = {};
    for (const [operator, block] of Object.entries(asRecord(value) ?? {})) {
        const keys: Record<string, string[]> = {};
        for (const [key, v] of Object.entries(asRecord(block) ?? {})) {
            keys[key] = (Array.isArray(v) ? v : [v]).map((x) => (typeof x === "string" ? x : String(x)));
        }
        out[operator] = keys;
    }
    return out;
}

/** Parses a policy document given as a JSON string or an object. */
export function parsePolicyDocument(document: unknown): ParsedDocument {
    let value = document;
    if (typeof document === "string") {
        try {
            value = JSON.parse(document);
        } catch (e) {
            return { statements: [], error: `is not valid JSON (${(e as Error).message})` };
        }
    }
    const record = asRecord(value);
    if (!record) return { statements: [], error: "is not a JSON object" };
    const raw = record.Statement;
    const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
    return {
        statements: list.map((s, index) => {
            const st = asRecord(s) ?? {};
            return {
                index,
                sid: typeof st.Sid === "string" ? st.Sid : undefined,
                effect: typeof st.Effect === "string" ? st.Effect : "",
                actions: strings(st.Action),
                notActions: optionalStrings(st.NotAction),
                resources: strings(st.Resource),
                notResources: optionalStrings(st.NotResource),
                principals: principals(st.Principal),
                notPrincipals: principals(st.NotPrincipal),
                conditions: conditions(st.Condition),
            };
        }),
    };
}

/** `Statement[0]` or `Statement[0] ("AllowRead")` — how messages name a statement. */
export function statementLabel(statement: Statement): string {
    return `Statement[${statement.index}]${statement.sid ? ` (${JSON.stringify(statement.sid)})` : ""}`;
}

/**
 * Whether an IAM action pattern (with `*` and `?` wildcards, case-insensitive) matches an action.
 * A two-pointer wildcard match: no regex, so no backtracking blow-up on odd patterns.
 */
export function actionMatches(pattern: string, action: string): boolean {
    const p = pattern.toLowerCase();
    const t = action.toLowerCase();
    let pi = 0;
    let ti = 0;
    let star = -1;
    let mark = 0;
    while (ti < t.length) {
        if (pi < p.length && (p[pi] === "?" || p[pi] === t[ti])) {
            pi++;
            ti++;
        } else if (pi < p.length && p[pi] === "*") {
            star = pi++;
            mark = ti;
        } else if (star >= 0) {
            pi = star + 1;
            ti = ++mark;
        } else {
            return false;
        }
    }
    while (pi < p.length && p[pi] === "*") pi++;
    return pi === p.length;
}

/** Whether a principal block admits anyone (`"*"` or `{"AWS": "*"}`). */
export function isWildcardPrincipal(p: Record<string, string[]> | undefined): boolean {
    if (!p) return false;
    return (p["*"] ?? []).includes("*") || (p.AWS ?? []).includes("*");
}

/** The documents of a list of `{ name, policy }` entries (a Role's inlinePolicies). */
export function inlinePolicyDocuments(value: unknown): { path: string; document: unknown }[] {
    return asArray(value).map((entry, index) => ({
        path: `inlinePolicies[${index}].policy`,
        document: asRecord(entry)?.policy,
    }));
}

/**
 * Condition keys that name the caller's account or organization. A key policy statement with a
 * wildcard principal and an equality condition on one of them is the documented way to share a
 * key with every principal of one account or organization (e.g. `kms:CallerAccount` with
 * `kms:ViaService`).
 */
export const CALLER_SCOPE_KEYS: readonly string[] = ["kms:CallerAccount", "aws:PrincipalAccount", "aws:PrincipalOrgID"];

/**
 * Operators that fail when the request's value is absent or different: equality, and StringLike
 * when its value has no wildcard; ForAnyValue: of those too (false for an absent key).
 * Negations (StringNotEquals), ...IfExists and ForAllValues: (both true for an absent key) and
 * patterns with * or ? admit callers outside the named accounts.
 */
const PINNING_OPERATORS: ReadonlySet<string> = new Set(
    ["StringEquals", "StringEqualsIgnoreCase", "StringLike"].flatMap((op) => [op, `ForAnyValue:${op}`]),
);

/** One condition of a statement: `Condition.<operator>[<key>]` and its values. */
export interface ConditionEntry {
    operator: string;
    key: string;
    values: string[];
}

/** `Condition.StringEquals["kms:CallerAccount"]` — how messages name a condition. */
export function conditionLabel(entry: ConditionEntry): string {
    return `Condition.${entry.operator}[${JSON.stringify(entry.key)}]`;
}

/** The statement's conditions on the caller-scope keys (keys compare case-insensitively, as IAM does). */
function callerScopeConditions(st: Statement): ConditionEntry[] {
    const wanted = new Set(CALLER_SCOPE_KEYS.map((k) => k.toLowerCase()));
    const entries: ConditionEntry[] = [];
    for (const [operator, keys] of Object.entries(st.conditions)) {
        for (const [key, values] of Object.entries(keys)) {
            if (wanted.has(key.toLowerCase())) entries.push({ operator, key, values });
        }
    }
    return entries;
}

/** Whether a condition limits callers to the accounts or organizations it names. */
export function pinsCaller(entry: ConditionEntry): boolean {
    return (
        PINNING_OPERATORS.has(entry.operator) &&
        entry.values.length > 0 &&
        entry.values.every((v) => v !== "" && !/[*?]/.test(v))
    );
}

/** What {@link wildcardPrincipalProblems} accepts besides named principals. */
export interface WildcardPrincipalOptions {
    /**
     * Set for key policies: a wildcard principal is accepted when a condition pins the caller's
     * account or organization, and this is the fix for one that is not. Trust policies leave it
     * unset, so a wildcard principal is always reported with the plain fix.
     */
    callerScopeFix?: string;
}

/** Messages for every Allow statement of a document that admits any principal. */
export function wildcardPrincipalProblems(
    path: string,
    document: unknown,
    fix: string,
    options: WildcardPrincipalOptions = {},
): string[] {
    const parsed = parsePolicyDocument(document);
    if (parsed.error)
        return [
            `${path} ${parsed.error}; write it as an IAM policy document (pulumi.jsonStringify of an object with a Statement list).`,
        ];
    const messages: string[] = [];
    for (const st of parsed.statements) {
        if (st.effect !== "Allow") continue;
        if (isWildcardPrincipal(st.principals)) {
            const principal = `${path} ${statementLabel(st)}.Principal is ${show(st.principals?.["*"] ? st.principals["*"][0] : { AWS: st.principals?.AWS })}`;
            if (options.callerScopeFix === undefined) {
                messages.push(`${principal}; ${fix}`);
            } else {
                const scoped = callerScopeConditions(st);
                if (scoped.some(pinsCaller)) continue;
                const found =
                    scoped.length === 0
                        ? `with no condition on ${CALLER_SCOPE_KEYS.join(", ")}`
                        : `and ${scoped.map((c) => `${conditionLabel(c)} is ${show(c.values)}`).join(", ")}, which ` +
                          `does not pin the caller (only StringEquals, StringEqualsIgnoreCase or StringLike without * ` +
                          `or ?, or their ForAnyValue: forms, do)`;
                messages.push(`${principal} ${found}; ${options.callerScopeFix}`);
            }
        }
        if (st.notPrincipals) {
            messages.push(
                `${path} ${statementLabel(st)}.NotPrincipal is ${show(st.notPrincipals)} with Effect Allow; ${fix}`,
            );
        }
    }
    return messages;
}
