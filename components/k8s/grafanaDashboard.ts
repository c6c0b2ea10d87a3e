/**
 * Grafana dashboards as typed data: rows of panels, each with its PromQL queries, unit and
 * thresholds. {@link dashboardModel} lays them out (two, three or four panels a row) and renders
 * Grafana's classic JSON model, with a `datasource` variable so the dashboard works with whichever
 * Prometheus data source the Grafana has. No JSON is pasted anywhere.
 */
import { ArgumentProblem, ProblemList } from "../errors";

/** The panel kinds the dashboards use. */
export type PanelKind = "timeseries" | "stat";

/** Grafana unit ids the dashboards use. */
export type PanelUnit = "short" | "s" | "percentunit" | "reqps" | "ops" | "bytes" | "none";

/** One query of a panel. */
export interface PanelQuery {
    /** PromQL, without Grafana variables, so it parses (and is tested) as plain PromQL. */
    readonly expr: string;
    /** The series' legend, e.g. `{{pod}}`. */
    readonly legend: string;
}

/** A line the panel draws (a limit or an alert threshold), in the panel's unit. */
export interface PanelThreshold {
    readonly value: number;
    readonly color: "orange" | "red";
}

/** One panel. */
export interface DashboardPanel {
    readonly title: string;
    /** What the panel shows and what to look for (the panel's info tooltip). */
    readonly description: string;
    readonly kind: PanelKind;
    readonly unit: PanelUnit;
    readonly queries: readonly PanelQuery[];
    /** Default: none. */
    readonly thresholds?: readonly PanelThreshold[];
}

/** A titled row of panels, laid out side by side (at most four). */
export interface DashboardRow {
    readonly title: string;
    readonly panels: readonly DashboardPanel[];
}

/** One dashboard. */
export interface Dashboard {
    /** Grafana's uid: 1 to 40 lower-case letters, digits and '-'; also the ConfigMap's file name. */
    readonly uid: string;
    readonly title: string;
    readonly description: string;
    readonly tags: readonly string[];
    readonly rows: readonly DashboardRow[];
}

/** A panel of the JSON model, as Grafana reads it. */
export interface PanelModel {
    id: number;
    type: PanelKind | "row";
    title: string;
    gridPos: { h: number; w: number; x: number; y: number };
    description?: string;
    collapsed?: boolean;
    datasource?: { type: "prometheus"; uid: string };
    fieldConfig?: {
        defaults: {
            unit: PanelUnit;
            thresholds: { mode: "absolute"; steps: { color: string; value: number | null }[] };
            custom?: { thresholdsStyle: { mode: "line" | "off" } };
        };
        overrides: never[];
    };
    options?: Record<string, unknown>;
    targets?: { refId: string; expr: string; legendFormat: string; datasource: { type: "prometheus"; uid: string } }[];
}

/** The dashboard's JSON model (Grafana's classic schema). */
export interface DashboardModel {
    uid: string;
    title: string;
    description: string;
    tags: string[];
    editable: false;
    schemaVersion: number;
    version: number;
    timezone: "utc";
    refresh: string;
    time: { from: string; to: string };
    templating: { list: Record<string, unknown>[] };
    annotations: { list: never[] };
    panels: PanelModel[];
}

/** The data source every query uses: the dashboard's `datasource` variable. */
export const DATASOURCE = { type: "prometheus" as const, uid: "${datasource}" };
/** The Grafana classic JSON schema version the model is written in. */
export const SCHEMA_VERSION = 39;
const ROW_HEIGHT = 8;

function panelModel(panel: DashboardPanel, id: number, gridPos: PanelModel["gridPos"]): PanelModel {
    const steps = [{ color: "green", value: null }, ...(panel.thresholds ?? [])];
    return {
        id,
        type: panel.kind,
        title: panel.title,
        description: panel.description,
        gridPos,
        datasource: DATASOURCE,
        fieldConfig: {
            defaults: {
                unit: panel.unit,
                thresholds: { mode: "absolute", steps },
                ...(panel.kind === "timeseries"
                    ? { custom: { thresholdsStyle: { mode: panel.thresholds?.length ? "line" : "off" } } }
                    : {}),
            },
            overrides: [],
        },
        options:
            panel.kind === "stat"
                ? { reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false }, colorMode: "value" }
                : { legend: { displayMode: "list", placement: "bottom" }, tooltip: { mode: "multi", sort: "desc" } },
        targets: panel.queries.map((q, i) => ({
            refId: String.fromCharCode(65 + i),
            expr: q.expr,
            legendFormat: q.legend,
            datasource: DATASOURCE,
        })),
    };
}

/** Grafana's JSON model of a dashboard: a row header, then its panels side by side, row after row. */
export function dashboardModel(dashboard: Dashboard): DashboardModel {
    const panels: PanelModel[] = [];
    let y = 0;
    for (const row of dashboard.rows) {
        panels.push({
            id: panels.length + 1,
            type: "row",
            title: row.title,
            collapsed: false,
            gridPos: { h: 1, w: 24, x: 0, y },
        });
        y += 1;
        const width = 24 / Math.max(1, row.panels.length);
        row.panels.forEach((panel, i) => {
            panels.push(panelModel(panel, panels.length + 1, { h: ROW_HEIGHT, w: width, x: i * width, y }));
        });
        y += ROW_HEIGHT;
    }
    return {
        uid: dashboard.uid,
        title: dashboard.title,
        description: dashboard.description,
        tags: [...dashboard.tags],
        // Provisioned from a ConfigMap: edits in the UI would be lost on the next sync.
        editable: false,
        schemaVersion: SCHEMA_VERSION,
        version: 1,
        timezone: "utc",
        refresh: "1m",
        time: { from: "now-6h", to: "now" },
        templating: {
            list: [
                {
                    name: "datasource",
                    label: "Data source",
                    type: "datasource",
                    query: "prometheus",
                    current: {},
                    hide: 0,
                },
            ],
        },
        annotations: { list: [] },
        panels,
    };
}

/** Every problem of the dashboards: uids, empty rows, more than four panels a row, panels without queries. */
export function dashboardProblems(dashboards: readonly Dashboard[]): ArgumentProblem[] {
    const problems = new ProblemList();
    const uids = new Set<string>();
    dashboards.forEach((d, i) => {
        const at = `dashboards[${i}]`;
        if (!/^[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?$/.test(d.uid)) {
            problems.add(`${at}.uid`, d.uid, "1 to 40 lower-case letters, digits and '-', e.g. relay-performance");
        } else if (uids.has(d.uid)) problems.add(`${at}.uid`, d.uid, "a dashboard uid used once");
        uids.add(d.uid);
        if (d.rows.length === 0) problems.add(`${at}.rows`, [], "at least one row of panels");
        d.rows.forEach((row, r) => {
            if (row.panels.length === 0 || row.panels.length > 4) {
                problems.add(`${at}.rows[${r}].panels`, row.panels.length, "one to four panels in a row");
            }
            row.panels.forEach((panel, p) => {
                if (panel.queries.length === 0 || panel.queries.length > 26) {
                    problems.add(`${at}.rows[${r}].panels[${p}].queries`, panel.queries.length, "one to 26 queries");
                }
            });
        });
    });
    return problems.problems;
}
