/**
 * The vocabulary a service declares its Prometheus metrics in, as data: each metric's name, type,
 * help text and labels. Dashboards and alerts are built only from declared metrics (a spec parses
 * every query and checks its names against the declarations), so a renamed metric breaks a test,
 * not a dashboard at 3 a.m.
 */

/** The Prometheus metric types a service exposes. */
export type MetricType = "counter" | "gauge" | "histogram";

/** One metric a service exposes on its metrics port. */
export interface MetricDeclaration<T extends MetricType = MetricType> {
    /** The metric family's name: `_total` for counters, a unit suffix such as `_seconds` or `_bytes`. */
    readonly name: string;
    readonly type: T;
    /** What it counts or measures (its `# HELP` line). */
    readonly help: string;
    /** Its own labels (not the target labels Prometheus adds, such as `namespace`, `pod`, `job`). */
    readonly labels: readonly string[];
}

/** The metrics of one exporter, by a name code refers to them with. */
export type MetricCatalog = Readonly<Record<string, MetricDeclaration>>;

/** A counter (`_total`). */
export function counter(name: string, help: string, labels: readonly string[] = []): MetricDeclaration<"counter"> {
    return { name, type: "counter", help, labels };
}

/** A gauge. */
export function gauge(name: string, help: string, labels: readonly string[] = []): MetricDeclaration<"gauge"> {
    return { name, type: "gauge", help, labels };
}

/** A histogram: it is exposed as `<name>_bucket` (with `le`), `<name>_sum` and `<name>_count`. */
export function histogram(name: string, help: string, labels: readonly string[] = []): MetricDeclaration<"histogram"> {
    return { name, type: "histogram", help, labels };
}

/** One series family of a histogram: `<name>_bucket`, `<name>_sum` or `<name>_count`. */
export function histogramSeries(metric: MetricDeclaration<"histogram">, part: "bucket" | "sum" | "count"): string {
    return `${metric.name}_${part}`;
}

/** The series names a metric appears under in a query: a histogram's three, anything else's own. */
export function exposedSeries(metric: MetricDeclaration): string[] {
    return metric.type === "histogram" ? ["bucket", "sum", "count"].map((p) => `${metric.name}_${p}`) : [metric.name];
}

/** Every series name the catalogs expose, sorted. */
export function exposedNames(...catalogs: readonly MetricCatalog[]): string[] {
    return [...new Set(catalogs.flatMap((c) => Object.values(c).flatMap(exposedSeries)))].sort();
}
