/**
 * The offline diff: what a change does to a stack, computed from two recorded runs of the real
 * program (the base commit's and the working tree's) with no cloud and no Pulumi CLI.
 *
 * Resources are matched by URN, following the head's aliases (and, as the engine does, the
 * aliases a renamed parent passes on to its children). For each pair the inputs are compared
 * path by path; a change under a field the provider replaces on (harness/replacementRules.ts)
 * makes the update a replacement. What a reviewer must not miss becomes an error: a protected
 * resource deleted or replaced, and a mandatory policy violation the base did not have.
 *
 * Everything here is pure: the runs come from harness/diffBase.ts, the text from harness/diffFormat.ts.
 */
import type { OfflineViolation } from "../policies/offline";
import type { RecordedOptions, RecordedResource } from "./mockEngine";
import { formatPath, harnessPath, parsePath, PathSegment, pathUnder } from "./propertyPaths";
import { replacementReason, RuleContext } from "./replacementRules";

/** One side of the diff: a run's resources and, when the pack ran, its violations. */
export interface RecordedStackRun {
    resources: readonly RecordedResource[];
    violations: readonly OfflineViolation[];
}

/** One changed input. */
export interface InputChange {
    /** The input path as Pulumi spells property paths (`spec.template.spec.containers[0].image`). */
    path: string;
    /** For a JSON document held in a string input (an IAM policy): the path inside the document. */
    jsonPath?: string;
    kind: "changed" | "added" | "removed";
    /** Set when named elements changed their order (old and new are the names): the field that names them. */
    order?: string;
    /** Absent for a secret, whose values are never carried (shown as `[secret]`). */
    old?: unknown;
    new?: unknown;
    secret: boolean;
    /** The rule that makes this change replace the resource, when one does. */
    replaces?: string;
    /** True when the head's `ignoreChanges` covers the path: the engine keeps the old value. */
    ignored?: boolean;
}

/** A changed resource option (protect, retainOnDelete, dependsOn, ...). */
export interface OptionChange {
    option: string;
    old: unknown;
    new: unknown;
}

/** A resource in both runs whose inputs or options differ. */
export interface ResourceUpdate {
    urn: string;
    type: string;
    name: string;
    /** The base URN, when the head resource took it over through an alias. */
    renamedFrom?: string;
    action: "update" | "replace";
    changes: InputChange[];
    optionChanges: OptionChange[];
    /** A replacement that deletes the old resource first (a named Kubernetes object, `deleteBeforeReplace`). */
    deleteBeforeReplace: boolean;
    /** Protected at base: replacing it fails `pulumi up`. */
    protect: boolean;
    /** Retained on delete at base: a replacement leaves the old one in the cloud. */
    retainOnDelete: boolean;
}

/** A resource only one run has. */
export interface ResourceRef {
    urn: string;
    type: string;
    name: string;
    protect: boolean;
    retainOnDelete: boolean;
}

/** A protection option that is true at base and false at head. */
export interface ProtectionRemoved {
    urn: string;
    type: string;
    name: string;
    option: "protect" | "retainOnDelete";
}

/** What the head changes in one stack, compared with the base. */
export interface StackDiff {
    created: ResourceRef[];
    deleted: ResourceRef[];
    /** Updates and replacements, in the head's registration order. */
    updated: ResourceUpdate[];
    unchanged: number;
    protectionRemoved: ProtectionRemoved[];
    /** Violations the head has and the base has not (same policy, resource, level and message). */
    newViolations: OfflineViolation[];
    /** Violations the base has and the head has not. */
    resolvedViolations: OfflineViolation[];
    /** What fails the diff: a protected resource deleted or replaced, a new mandatory violation. */
    errors: string[];
}

/** Counts of a diff, as the summary table shows them. */
export interface DiffCounts {
    create: number;
    update: number;
    replace: number;
    delete: number;
    unchanged: number;
    newViolations: number;
    newMandatory: number;
}

/** True when the diff changes nothing at all (resources, options or violations). */
export function hasChanges(diff: StackDiff): boolean {
    return (
        diff.created.length + diff.deleted.length + diff.updated.length > 0 ||
        diff.newViolations.length + diff.resolvedViolations.length > 0
    );
}

/** The summary counts of a diff. */
export function diffCounts(diff: StackDiff): DiffCounts {
    const replace = diff.updated.filter((u) => u.action === "replace").length;
    return {
        create: diff.created.length,
        update: diff.updated.length - replace,
        replace,
        delete: diff.deleted.length,
        unchanged: diff.unchanged,
        newViolations: diff.newViolations.length,
        newMandatory: diff.newViolations.filter((v) => v.enforcementLevel === "mandatory").length,
    };
}

// ---------------------------------------------------------------------------------------------
// Input comparison

function isObject(value: unknown): value is Record<string, unknown> {
    return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Structural equality of JSON-like values. */
export function deepEqual(a: unknown, b: unknown): boolean {
    if (a === b) return true;
    if (Array.isArray(a) && Array.isArray(b))
        return a.length === b.length && a.every((value, i) => deepEqual(value, b[i]));
    if (isObject(a) && isObject(b)) {
        const keys = Object.keys(a).filter((k) => a[k] !== undefined);
        const otherKeys = Object.keys(b).filter((k) => b[k] !== undefined);
        return keys.length === otherKeys.length && keys.every((k) => deepEqual(a[k], b[k]));
    }
    return false;
}

function parseJsonDocument(value: unknown): unknown {
    if (typeof value !== "string") return undefined;
    const trimmed = value.trimStart();
    if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) return undefined;
    try {
        return JSON.parse(value);
    } catch {
        return undefined;
    }
}

interface RawChange {
    segments: PathSegment[];
    jsonSegments?: PathSegment[];
    old: unknown;
    new: unknown;
    hadOld: boolean;
    hasNew: boolean;
    secret: boolean;
    /** Set for a change of the order of named elements: the field they are named by. */
    order?: string;
}

/** The fields that name the elements of a list, tried in turn (env and ports by name, mounts by path, ...). */
const ELEMENT_KEYS = ["name", "mountPath", "containerPort", "Sid"];

/** The field every element of both lists has, unique within each list; undefined when there is none. */
function elementKey(a: readonly unknown[], b: readonly unknown[]): string | undefined {
    if (a.length === 0 || b.length === 0) return undefined;
    return ELEMENT_KEYS.find((key) =>
        [a, b].every((list) => {
            const names = list.map((e) =>
                isObject(e) && (typeof e[key] === "string" || typeof e[key] === "number") ? String(e[key]) : undefined,
            );
            return names.every((n) => n !== undefined) && new Set(names).size === names.length;
        }),
    );
}

function isSecretPath(segments: readonly PathSegment[], secretPaths: ReadonlySet<string>): boolean {
    // A path is secret at a secret path or under one (the harness records the outermost secret).
    for (let n = 1; n <= segments.length; n++) if (secretPaths.has(harnessPath(segments.slice(0, n)))) return true;
    return false;
}

function coversSecret(segments: readonly PathSegment[], secretPaths: ReadonlySet<string>): boolean {
    const prefix = harnessPath(segments);
    for (const secret of secretPaths)
        if (prefix === "" || secret.startsWith(`${prefix}.`) || secret.startsWith(`${prefix}[`)) return true;
    return false;
}

function collect(
    oldValue: unknown,
    newValue: unknown,
    segments: PathSegment[],
    secretPaths: ReadonlySet<string>,
    out: RawChange[],
    json?: { input: PathSegment[]; inner: PathSegment[] },
): void {
    if (deepEqual(oldValue, newValue)) return;
    const here = json ? json.input : segments;
    if (!json && isSecretPath(segments, secretPaths)) {
        out.push({
            segments,
            old: undefined,
            new: undefined,
            hadOld: oldValue !== undefined,
            hasNew: newValue !== undefined,
            secret: true,
        });
        return;
    }
    const descend = (key: PathSegment, o: unknown, n: unknown) =>
        json
            ? collect(o, n, segments, secretPaths, out, { input: json.input, inner: [...json.inner, key] })
            : collect(o, n, [...segments, key], secretPaths, out);
    if (Array.isArray(oldValue) && Array.isArray(newValue)) {
        const key = json || !coversSecret(segments, secretPaths) ? elementKey(oldValue, newValue) : undefined;
        if (!key) {
            for (let i = 0; i < Math.max(oldValue.length, newValue.length); i++) descend(i, oldValue[i], newValue[i]);
            return;
        }
        // Named elements (env, containers, ports, statements): matched by name, so an insertion
        // shows as one added element rather than every later index changed.
        const name = (e: unknown) => String((e as Record<string, unknown>)[key]);
        const oldByName = new Map(oldValue.map((e) => [name(e), e]));
        const newByName = new Map(newValue.map((e) => [name(e), e]));
        for (const [n, e] of newByName) descend({ key, value: n }, oldByName.get(n), e);
        for (const [n, e] of oldByName) if (!newByName.has(n)) descend({ key, value: n }, e, undefined);
        const oldOrder = [...oldByName.keys()].filter((n) => newByName.has(n));
        const newOrder = [...newByName.keys()].filter((n) => oldByName.has(n));
        if (!deepEqual(oldOrder, newOrder))
            out.push({
                segments: json ? json.input : segments,
                jsonSegments: json?.inner,
                old: oldOrder,
                new: newOrder,
                hadOld: true,
                hasNew: true,
                secret: false,
                order: key,
            });
        return;
    }
    if (isObject(oldValue) && isObject(newValue)) {
        const keys = [...new Set([...Object.keys(oldValue), ...Object.keys(newValue)])].sort();
        for (const key of keys) descend(key, oldValue[key], newValue[key]);
        return;
    }
    if (!json) {
        // A JSON document in a string (IAM policies): compare inside it, unless either side is not JSON.
        const oldDoc = parseJsonDocument(oldValue);
        const newDoc = parseJsonDocument(newValue);
        if (oldDoc !== undefined && newDoc !== undefined) {
            collect(oldDoc, newDoc, segments, secretPaths, out, { input: segments, inner: [] });
            return;
        }
    }
    const secret = !json && coversSecret(here, secretPaths);
    out.push({
        segments: here,
        jsonSegments: json?.inner,
        old: secret ? undefined : oldValue,
        new: secret ? undefined : newValue,
        hadOld: oldValue !== undefined,
        hasNew: newValue !== undefined,
        secret,
    });
}

/**
 * Every changed input between `oldInputs` and `newInputs`, leaf by leaf: lists of named elements
 * by name (`env[name=AWS_REGION]`, plus one change when their order changes), other arrays by
 * index, JSON documents in strings by their own paths. A change at or under a secret path carries
 * no values.
 */
export function changedInputs(
    oldInputs: Record<string, unknown>,
    newInputs: Record<string, unknown>,
    secretPaths: Iterable<string> = [],
): { segments: PathSegment[]; change: InputChange }[] {
    const raw: RawChange[] = [];
    collect(oldInputs, newInputs, [], new Set(secretPaths), raw);
    return raw.map((r) => {
        const change: InputChange = {
            path: formatPath(r.segments),
            kind: !r.hadOld ? "added" : !r.hasNew ? "removed" : "changed",
            secret: r.secret,
        };
        if (r.jsonSegments) change.jsonPath = formatPath(r.jsonSegments);
        if (r.order) change.order = r.order;
        if (!r.secret) {
            if (r.hadOld) change.old = r.old;
            if (r.hasNew) change.new = r.new;
        }
        return { segments: r.segments, change };
    });
}

// ---------------------------------------------------------------------------------------------
// Matching resources (URNs and aliases)

interface ParsedUrn {
    stack: string;
    project: string;
    qualifiedType: string;
    name: string;
}

/** Splits `urn:pulumi:<stack>::<project>::<qualified type>::<name>`. */
export function parseUrn(urn: string): ParsedUrn | undefined {
    if (!urn.startsWith("urn:pulumi:")) return undefined;
    const parts = urn.slice("urn:pulumi:".length).split("::");
    if (parts.length < 4) return undefined;
    return { stack: parts[0], project: parts[1], qualifiedType: parts[2], name: parts.slice(3).join("::") };
}

/**
 * The URN a resource gets under the harness's mock engine: the parent's own type, `$`, the
 * resource's type, `::`, its name (the engine spells children of the root stack the same way).
 */
export function urnOf(
    stack: string,
    project: string,
    parentUrn: string | undefined,
    type: string,
    name: string,
): string {
    const parentType = parentUrn ? parseUrn(parentUrn)?.qualifiedType.split("$").pop() : undefined;
    return `urn:pulumi:${stack}::${project}::${parentType ? `${parentType}$` : ""}${type}::${name}`;
}

/** The URNs a resource's recorded aliases stand for (an alias's missing fields are the resource's own). */
export function aliasUrns(resource: RecordedResource): string[] {
    const own = parseUrn(resource.urn);
    if (!own) return [];
    const urns: string[] = [];
    for (const alias of resource.options.aliases ?? []) {
        if (typeof alias === "string") {
            urns.push(alias);
            continue;
        }
        if (!isObject(alias)) continue;
        const parent = alias.noParent === true ? undefined : String(alias.parentUrn ?? alias.parent ?? resource.parent);
        urns.push(
            urnOf(
                String(alias.stack ?? own.stack),
                String(alias.project ?? own.project),
                parent,
                String(alias.type ?? resource.type),
                String(alias.name ?? resource.name),
            ),
        );
    }
    return urns;
}

/**
 * Pairs head resources with base resources: by URN, then by the head's aliases, then by the alias
 * a renamed parent passes to its children (the child's name with the parent's old name as prefix).
 * Returns base URN by head URN.
 */
export function matchResources(
    base: readonly RecordedResource[],
    head: readonly RecordedResource[],
): Map<string, string> {
    const baseUrns = new Set(base.map((r) => r.urn));
    const headUrns = new Set(head.map((r) => r.urn));
    const headByUrn = new Map(head.map((r) => [r.urn, r]));
    const pairs = new Map<string, string>();
    const taken = new Set<string>();
    const take = (headUrn: string, baseUrn: string) => {
        pairs.set(headUrn, baseUrn);
        taken.add(baseUrn);
    };
    for (const r of head) if (baseUrns.has(r.urn)) take(r.urn, r.urn);
    // Registration order puts parents first, so a child sees its parent's pairing.
    for (const r of head) {
        if (pairs.has(r.urn)) continue;
        const candidates = aliasUrns(r);
        const parent = headByUrn.get(r.parent);
        const parentBase = parent ? pairs.get(parent.urn) : undefined;
        if (parent && parentBase && parentBase !== parent.urn) {
            const own = parseUrn(r.urn);
            const oldParent = parseUrn(parentBase);
            if (own && oldParent) {
                const name = r.name.startsWith(parent.name)
                    ? oldParent.name + r.name.slice(parent.name.length)
                    : r.name;
                candidates.push(urnOf(own.stack, own.project, parentBase, r.type, name));
            }
        }
        const match = candidates.find((urn) => baseUrns.has(urn) && !taken.has(urn) && !headUrns.has(urn));
        if (match) take(r.urn, match);
    }
    return pairs;
}

// ---------------------------------------------------------------------------------------------
// The diff

const COMPARED_OPTIONS: readonly (keyof RecordedOptions)[] = [
    "protect",
    "retainOnDelete",
    "deleteBeforeReplace",
    "ignoreChanges",
    "replaceOnChanges",
    "additionalSecretOutputs",
    "dependsOn",
    "provider",
];

/** The provider URN of a provider reference (`<urn>::<id>`). */
function providerUrn(reference: string | undefined): string | undefined {
    if (!reference) return undefined;
    const at = reference.lastIndexOf("::");
    return at > 0 ? reference.slice(0, at) : reference;
}

function optionValue(resource: RecordedResource, option: keyof RecordedOptions): unknown {
    const value = resource.options[option];
    return option === "provider" ? providerUrn(value as string | undefined) : value;
}

function ref(resource: RecordedResource): ResourceRef {
    return {
        urn: resource.urn,
        type: resource.type,
        name: resource.name,
        protect: resource.options.protect,
        retainOnDelete: resource.options.retainOnDelete,
    };
}

function describe(resource: { type: string; name: string }): string {
    return `${resource.type} ${resource.name}`;
}

/** A Kubernetes object named in its inputs keeps its name through a replacement: delete first. */
function namedKubernetesObject(base: RecordedResource, head: RecordedResource): boolean {
    if (!head.type.startsWith("kubernetes:")) return false;
    const oldMeta = isObject(base.inputs.metadata) ? base.inputs.metadata : {};
    const newMeta = isObject(head.inputs.metadata) ? head.inputs.metadata : {};
    return (
        typeof newMeta.name === "string" &&
        newMeta.name === oldMeta.name &&
        (newMeta.namespace ?? "") === (oldMeta.namespace ?? "")
    );
}

function compareResource(
    base: RecordedResource,
    head: RecordedResource,
    providerInputs: Record<string, unknown>,
): ResourceUpdate | undefined {
    const secretPaths = new Set([...(base.secretPaths ?? []), ...(head.secretPaths ?? [])]);
    const ignore = (head.options.ignoreChanges ?? []).map(parsePath);
    const context: RuleContext = { resource: head, providerInputs };
    const changes: InputChange[] = [];
    for (const { segments, change } of changedInputs(base.inputs, head.inputs, secretPaths)) {
        if (ignore.some((p) => pathUnder(p, segments))) change.ignored = true;
        else {
            const reason = replacementReason(segments, context);
            if (reason) change.replaces = reason;
        }
        changes.push(change);
    }
    const optionChanges: OptionChange[] = [];
    for (const option of COMPARED_OPTIONS) {
        const oldValue = optionValue(base, option);
        const newValue = optionValue(head, option);
        if (!deepEqual(oldValue ?? null, newValue ?? null))
            optionChanges.push({ option, old: oldValue ?? null, new: newValue ?? null });
    }
    const effective = changes.filter((c) => !c.ignored);
    // Only ignored changes: the engine keeps the old values, nothing happens.
    if (effective.length === 0 && optionChanges.length === 0 && base.urn === head.urn) return undefined;
    const replace = effective.some((c) => c.replaces !== undefined);
    return {
        urn: head.urn,
        type: head.type,
        name: head.name,
        ...(base.urn !== head.urn ? { renamedFrom: base.urn } : {}),
        action: replace ? "replace" : "update",
        changes,
        optionChanges,
        deleteBeforeReplace: replace && (head.options.deleteBeforeReplace || namedKubernetesObject(base, head)),
        protect: base.options.protect,
        retainOnDelete: base.options.retainOnDelete,
    };
}

function violationKey(v: OfflineViolation, urn: string = v.urn): string {
    return JSON.stringify([v.policyName, urn, v.enforcementLevel, v.message]);
}

/**
 * Compares a base run with a head run of the same stack. Violations are compared as each run
 * reported them (each commit's own pack, so a rule the change adds shows as new).
 */
export function diffRuns(base: RecordedStackRun, head: RecordedStackRun): StackDiff {
    const pairs = matchResources(base.resources, head.resources);
    const baseByUrn = new Map(base.resources.map((r) => [r.urn, r]));
    const headByUrn = new Map(head.resources.map((r) => [r.urn, r]));
    const pairedBase = new Set(pairs.values());
    const diff: StackDiff = {
        created: [],
        deleted: [],
        updated: [],
        unchanged: 0,
        protectionRemoved: [],
        newViolations: [],
        resolvedViolations: [],
        errors: [],
    };
    for (const h of head.resources) {
        const baseUrn = pairs.get(h.urn);
        const b = baseUrn ? baseByUrn.get(baseUrn) : undefined;
        if (!b) {
            diff.created.push(ref(h));
            continue;
        }
        const provider = headByUrn.get(providerUrn(h.options.provider) ?? "");
        const update = compareResource(b, h, provider?.inputs ?? {});
        if (!update) {
            diff.unchanged++;
            continue;
        }
        diff.updated.push(update);
        for (const option of ["protect", "retainOnDelete"] as const)
            if (b.options[option] && !h.options[option])
                diff.protectionRemoved.push({ urn: h.urn, type: h.type, name: h.name, option });
        if (update.action === "replace" && b.options.protect) {
            const fields = [...new Set(update.changes.filter((c) => c.replaces).map((c) => c.path))].join(", ");
            diff.errors.push(`protected resource ${describe(h)} would be replaced (${fields})`);
        }
    }
    for (const b of base.resources) {
        if (pairedBase.has(b.urn)) continue;
        diff.deleted.push(ref(b));
        if (b.options.protect) diff.errors.push(`protected resource ${describe(b)} would be deleted`);
    }
    // Violations: base URNs are read through the pairing, so a renamed resource keeps its own.
    const headUrnOf = new Map([...pairs.entries()].map(([h, b]) => [b, h]));
    const baseKeys = new Set(base.violations.map((v) => violationKey(v, headUrnOf.get(v.urn) ?? v.urn)));
    const headKeys = new Set(head.violations.map((v) => violationKey(v)));
    diff.newViolations = head.violations.filter((v) => !baseKeys.has(violationKey(v)));
    diff.resolvedViolations = base.violations.filter(
        (v) => !headKeys.has(violationKey(v, headUrnOf.get(v.urn) ?? v.urn)),
    );
    for (const v of diff.newViolations)
        if (v.enforcementLevel === "mandatory")
            diff.errors.push(`new mandatory policy violation ${v.policyName} on ${describe(v)}: ${v.message}`);
    return diff;
}

/** A base run recorded by an older harness, with the fields it may lack filled with their defaults. */
export function normalizeRecordedResource(raw: Record<string, unknown>): RecordedResource {
    const options = isObject(raw.options) ? raw.options : {};
    const list = (v: unknown) => (Array.isArray(v) ? (v as string[]) : []);
    return {
        type: String(raw.type),
        name: String(raw.name),
        urn: String(raw.urn),
        parent: String(raw.parent ?? ""),
        custom: raw.custom !== false,
        inputs: isObject(raw.inputs) ? raw.inputs : {},
        secretPaths: list(raw.secretPaths),
        outputs: isObject(raw.outputs) ? raw.outputs : {},
        options: {
            protect: options.protect === true,
            retainOnDelete: options.retainOnDelete === true,
            deleteBeforeReplace: options.deleteBeforeReplace === true,
            ignoreChanges: list(options.ignoreChanges),
            additionalSecretOutputs: list(options.additionalSecretOutputs),
            replaceOnChanges: list(options.replaceOnChanges),
            dependsOn: list(options.dependsOn),
            aliases: Array.isArray(options.aliases) ? options.aliases : [],
            ...(typeof options.provider === "string" ? { provider: options.provider } : {}),
        },
    };
}
