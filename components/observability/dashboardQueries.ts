/**
 * What the dashboards write their queries with: a target's selectors, 5-minute rates and
 * histogram quantiles of declared metrics.
 */
import { DashboardPanel, PanelQuery } from "../k8s/grafanaDashboard";
import { histogramSeries, MetricDeclaration } from "../k8s/metrics";
import { ScrapeTarget } from "../k8s/monitoring";
import { Matchers, selector } from "./promql";
import { AlertScope, ofTarget } from "./serviceAlerts";

/** A selector of one target's series in the network's namespace. */
export type Scoped = (metric: string, extra?: Matchers) => string;

/** One query and its legend. */
export const query = (expr: string, legend: string): PanelQuery => ({ expr, legend });
/** A panel, typed. */
export const panel = (p: DashboardPanel): DashboardPanel => p;

/** A 5-minute rate of a target's counter, summed by `by` (nothing: one series). */
export function rateOf(of: Scoped, metric: string, by: string[] = [], extra: Matchers = {}): string {
    const grouping = by.length > 0 ? ` by (${by.join(", ")})` : "";
    return `sum${grouping} (rate(${of(metric, extra)}[5m]))`;
}

/** The q-quantile of a target's histogram over 5 minutes, by `by` and `le`. */
export function quantile(of: Scoped, metric: MetricDeclaration<"histogram">, q: number, by: string[] = []): string {
    return `histogram_quantile(${q}, sum by (${[...by, "le"].join(", ")}) (rate(${of(histogramSeries(metric, "bucket"))}[5m])))`;
}

/** The selector of a target's series. */
export const scoped =
    (scope: AlertScope, target: ScrapeTarget): Scoped =>
    (metric, extra = {}) =>
        selector(metric, ofTarget(scope, target, extra));
