/**
 * Property paths as Pulumi spells them (`spec.template.spec.containers[0].image`,
 * `metadata.labels["app.kubernetes.io/name"]`, `containers[*].image`): parsing, printing and
 * matching, for the offline diff's changes, replacement rules and `ignoreChanges`.
 */

/**
 * An array element found by a field rather than by index (`env[name=AWS_REGION]`): how the diff
 * follows lists of named things (env, containers, ports, volumes) across insertions.
 */
export interface KeyedSegment {
    key: string;
    value: string;
}

/** A path segment: an object key, an array index or a keyed element (`*` in a pattern matches any). */
export type PathSegment = string | number | KeyedSegment;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Formats segments as a Pulumi property path: `a.b[0]["app.kubernetes.io/name"]`. */
export function formatPath(segments: readonly PathSegment[]): string {
    let out = "";
    for (const segment of segments) {
        if (typeof segment === "number") out += `[${segment}]`;
        else if (typeof segment === "object") out += `[${segment.key}=${segment.value}]`;
        else if (IDENTIFIER.test(segment)) out += out === "" ? segment : `.${segment}`;
        else out += `[${JSON.stringify(segment)}]`;
    }
    return out;
}

/** The harness's own spelling of a path (`data.password`, `env[0]`), as `secretPaths` holds it. */
export function harnessPath(segments: readonly PathSegment[]): string {
    let out = "";
    for (const segment of segments) {
        if (typeof segment === "number") out += `[${segment}]`;
        else if (typeof segment === "object") out += `[${segment.key}=${segment.value}]`;
        else out += out === "" ? segment : `.${segment}`;
    }
    return out;
}

/** Parses a Pulumi property path into segments; the empty path has none. */
export function parsePath(path: string): PathSegment[] {
    const segments: PathSegment[] = [];
    let i = 0;
    while (i < path.length) {
        const c = path[i];
        if (c === ".") {
            i++;
        } else if (c === "[") {
            const close = path.indexOf("]", i);
            if (close < 0) throw new Error(`unbalanced [ in property path ${JSON.stringify(path)}`);
            const inner = path.slice(i + 1, close);
            if (inner.startsWith('"')) segments.push(JSON.parse(inner) as string);
            else if (inner === "*") segments.push("*");
            else segments.push(Number(inner));
            i = close + 1;
        } else {
            let j = i;
            while (j < path.length && path[j] !== "." && path[j] !== "[") j++;
            segments.push(path.slice(i, j));
            i = j;
        }
    }
    return segments;
}

function segmentMatches(pattern: PathSegment, actual: PathSegment): boolean {
    if (pattern === "*") return true;
    if (typeof pattern === "object" || typeof actual === "object")
        return (
            typeof pattern === "object" &&
            typeof actual === "object" &&
            pattern.key === actual.key &&
            pattern.value === actual.value
        );
    return String(pattern) === String(actual);
}

/**
 * True when a change at `changed` touches the field at `pattern`: the change is at the field or
 * under it, or it replaces a whole object that holds the field.
 */
export function pathTouches(pattern: readonly PathSegment[], changed: readonly PathSegment[]): boolean {
    const n = Math.min(pattern.length, changed.length);
    for (let i = 0; i < n; i++) if (!segmentMatches(pattern[i], changed[i])) return false;
    return true;
}

/** True when `changed` is at `pattern` or under it. */
export function pathUnder(pattern: readonly PathSegment[], changed: readonly PathSegment[]): boolean {
    return pattern.length <= changed.length && pathTouches(pattern, changed);
}
