/**
 * PlatformMonitoring: how the Prometheus operator and Grafana see one network. For every scrape
 * target a `monitoring.coreos.com/v1` ServiceMonitor (its Service's metrics port by name, path,
 * interval and timeout), one PrometheusRule with the network's alert groups, and one ConfigMap per
 * Grafana dashboard, labelled for the dashboard sidecar. Everything lives in the network's own
 * namespace and carries the labels the operator's selectors and the sidecar look for.
 *
 * The block knows no service: the platform hands it the targets (each service describes its own,
 * see PlatformService's `scrapeTarget`), the alert groups and the dashboards, so a new service joins
 * by adding its target. It reads no config; the CRDs are the operator's (`apiextensions.CustomResource`).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ArgumentProblem, ArgumentsError, componentArguments, FIX_THE_CALLER, ProblemList } from "../errors";
import { Network, platformLabels, PROJECT, serviceLabels } from "../network";
import {
    DNS_LABEL_ALLOWED,
    DURATION_ALLOWED,
    isDnsLabel,
    isLabel,
    LABEL_ALLOWED,
    parseDurationSeconds,
} from "../validators";
import { AlertGroup, alertGroupProblems, ruleFileSpec } from "./alertRules";
import { Dashboard, dashboardModel, dashboardProblems } from "./grafanaDashboard";
import { MetricCatalog } from "./metrics";
import { HEADLESS_SERVICE_LABEL } from "./workloadArgs";

/** The Prometheus operator's API group and version. */
export const MONITORING_API_VERSION = "monitoring.coreos.com/v1";
/** The PrometheusRule's name in the namespace. */
export const PROMETHEUS_RULE_NAME = `${PROJECT}-alerts`;
/** Every series a ServiceMonitor scrapes carries the service's name as `job` (from this Service label). */
export const JOB_LABEL = "app.kubernetes.io/name";

/** One service Prometheus scrapes, as the service describes itself. */
export interface ScrapeTarget {
    /** Its `app.kubernetes.io/name`: the ServiceMonitor's name and every series' `job`. */
    readonly service: string;
    /** The labels of its Service (and pods). */
    readonly selector: Readonly<Record<string, string>>;
    /** The Service port serving metrics, by name. */
    readonly port: string;
    /** The metrics path, e.g. `/metrics`. */
    readonly path: string;
    /** What it exposes there; dashboards and alerts use nothing else of it. */
    readonly metrics: MetricCatalog;
    /** A regular expression (RE2) of its pods' names, e.g. `relay-[0-9]+`. */
    readonly pods: string;
    /** Regular expressions of its PersistentVolumeClaims' names, e.g. `data-relay-[0-9]+`. */
    readonly volumeClaims: readonly string[];
}

/** Arguments of {@link PlatformMonitoring}. */
export interface PlatformMonitoringArgs {
    readonly network: Network;
    /** The network's namespace: every object lives, and every target is scraped, there. */
    readonly namespace: pulumi.Input<string>;
    /** The services to scrape, one ServiceMonitor each. */
    readonly targets: readonly ScrapeTarget[];
    /** How often Prometheus scrapes, e.g. `30s`. */
    readonly scrapeInterval: string;
    /** How long one scrape may take: shorter than `scrapeInterval`. */
    readonly scrapeTimeout: string;
    /** Labels on every ServiceMonitor, for the operator's `serviceMonitorSelector`. */
    readonly serviceMonitorLabels: Readonly<Record<string, string>>;
    /** Labels on the PrometheusRule, for the operator's `ruleSelector`. */
    readonly ruleLabels: Readonly<Record<string, string>>;
    /** The network's alert groups (one PrometheusRule). */
    readonly alertGroups: readonly AlertGroup[];
    /** The dashboards, one ConfigMap each. */
    readonly dashboards: readonly Dashboard[];
    /** The label the Grafana sidecar picks dashboard ConfigMaps by. */
    readonly dashboardLabel: { readonly name: string; readonly value: string };
}

/** A ServiceMonitor's spec: the target's Service (never its headless twin), its metrics port, path and timing. */
export function serviceMonitorSpec(
    target: ScrapeTarget,
    namespace: pulumi.Input<string>,
    timing: Pick<PlatformMonitoringArgs, "scrapeInterval" | "scrapeTimeout">,
): Record<string, unknown> {
    return {
        jobLabel: JOB_LABEL,
        namespaceSelector: { matchNames: [namespace] },
        selector: {
            matchLabels: { ...target.selector },
            // A StatefulSet's headless Service carries the same labels: scraping it too would double every series.
            matchExpressions: [{ key: HEADLESS_SERVICE_LABEL, operator: "DoesNotExist" }],
        },
        endpoints: [
            {
                port: target.port,
                path: target.path,
                scheme: "http",
                interval: timing.scrapeInterval,
                scrapeTimeout: timing.scrapeTimeout,
            },
        ],
    };
}

/** The ConfigMap that carries one dashboard: `dashboard-<uid>`, data `<uid>.json`. */
export function dashboardConfigMapName(dashboard: Pick<Dashboard, "uid">): string {
    return `dashboard-${dashboard.uid}`;
}

function labelProblems(problems: ProblemList, path: string, labels: Readonly<Record<string, string>>): void {
    if (Object.keys(labels).length === 0) problems.add(path, labels, "at least one label the operator selects by");
    for (const [key, value] of Object.entries(labels)) {
        if (!isLabel(key, value)) problems.add(`${path}.${key}`, value, LABEL_ALLOWED);
        else if (key.startsWith("app.kubernetes.io/")) {
            problems.add(`${path}.${key}`, value, "a label outside app.kubernetes.io/ (the platform sets those)");
        }
    }
}

/** Every problem of the arguments, at once. */
export function monitoringProblems(args: PlatformMonitoringArgs): ArgumentProblem[] {
    const problems = new ProblemList();
    const seen = new Set<string>();
    if (args.targets.length === 0) problems.add("targets", [], "at least one service to scrape");
    args.targets.forEach((t, i) => {
        const at = `targets[${i}]`;
        if (!isDnsLabel(t.service)) problems.add(`${at}.service`, t.service, DNS_LABEL_ALLOWED);
        else if (seen.has(t.service)) problems.add(`${at}.service`, t.service, "a service scraped once");
        seen.add(t.service);
        if (Object.keys(t.selector).length === 0) problems.add(`${at}.selector`, t.selector, "the Service's labels");
        if (!/^[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?$/.test(t.port)) {
            problems.add(`${at}.port`, t.port, "the name of the Service's metrics port, e.g. metrics");
        }
        if (!t.path.startsWith("/")) problems.add(`${at}.path`, t.path, "an HTTP path starting with /, e.g. /metrics");
        if (Object.keys(t.metrics).length === 0) problems.add(`${at}.metrics`, t.metrics, "the metrics it exposes");
        if (t.pods === "") problems.add(`${at}.pods`, t.pods, "a regular expression of its pods' names");
    });
    const interval = parseDurationSeconds(args.scrapeInterval);
    const timeout = parseDurationSeconds(args.scrapeTimeout);
    if (interval === undefined) problems.add("scrapeInterval", args.scrapeInterval, DURATION_ALLOWED);
    if (timeout === undefined) problems.add("scrapeTimeout", args.scrapeTimeout, DURATION_ALLOWED);
    else if (interval !== undefined && timeout >= interval) {
        problems.add(
            "scrapeTimeout",
            args.scrapeTimeout,
            `a duration shorter than scrapeInterval (${args.scrapeInterval})`,
        );
    }
    labelProblems(problems, "serviceMonitorLabels", args.serviceMonitorLabels);
    labelProblems(problems, "ruleLabels", args.ruleLabels);
    const { name, value } = args.dashboardLabel;
    if (!isLabel(name, value)) problems.add("dashboardLabel", args.dashboardLabel, LABEL_ALLOWED);
    problems.push(...alertGroupProblems(args.alertGroups).map((p) => ({ ...p, path: `alertGroups.${p.path}` })));
    problems.push(...dashboardProblems(args.dashboards));
    return problems.problems;
}

/** One network's ServiceMonitors, PrometheusRule and Grafana dashboards. */
export class PlatformMonitoring extends pulumi.ComponentResource {
    /** The ServiceMonitors' names, by service. */
    public readonly serviceMonitorNames: Record<string, pulumi.Output<string>>;
    /** The PrometheusRule's name. */
    public readonly ruleName: pulumi.Output<string>;
    /** The dashboard ConfigMaps' names, by dashboard uid. */
    public readonly dashboardConfigMapNames: Record<string, pulumi.Output<string>>;

    constructor(name: string, args: PlatformMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        const problems = monitoringProblems(args);
        if (problems.length > 0) {
            throw new ArgumentsError(
                componentArguments("messaging:k8s:PlatformMonitoring", name),
                problems,
                FIX_THE_CALLER,
            );
        }
        super("messaging:k8s:PlatformMonitoring", name, {}, opts);
        const metadata = (objectName: string, labels: Readonly<Record<string, string>>) => ({
            name: objectName,
            namespace: args.namespace,
            labels: { ...labels },
        });

        this.serviceMonitorNames = {};
        for (const target of args.targets) {
            const labels = {
                ...args.serviceMonitorLabels,
                ...serviceLabels(target.service, args.network, "monitoring"),
            };
            const monitor = new k8s.apiextensions.CustomResource(
                `${name}-${target.service}-service-monitor`,
                {
                    apiVersion: MONITORING_API_VERSION,
                    kind: "ServiceMonitor",
                    metadata: metadata(target.service, labels),
                    spec: serviceMonitorSpec(target, args.namespace, args),
                },
                { parent: this },
            );
            this.serviceMonitorNames[target.service] = monitor.metadata.name;
        }

        const rule = new k8s.apiextensions.CustomResource(
            `${name}-rules`,
            {
                apiVersion: MONITORING_API_VERSION,
                kind: "PrometheusRule",
                metadata: metadata(PROMETHEUS_RULE_NAME, { ...args.ruleLabels, ...platformLabels(args.network) }),
                spec: ruleFileSpec(args.alertGroups),
            },
            { parent: this },
        );
        this.ruleName = rule.metadata.name;

        this.dashboardConfigMapNames = {};
        for (const dashboard of args.dashboards) {
            const labels = { [args.dashboardLabel.name]: args.dashboardLabel.value, ...platformLabels(args.network) };
            const configMap = new k8s.core.v1.ConfigMap(
                `${name}-dashboard-${dashboard.uid}`,
                {
                    metadata: metadata(dashboardConfigMapName(dashboard), labels),
                    data: { [`${dashboard.uid}.json`]: JSON.stringify(dashboardModel(dashboard), null, 2) },
                },
                { parent: this },
            );
            this.dashboardConfigMapNames[dashboard.uid] = configMap.metadata.name;
        }

        this.registerOutputs({
            serviceMonitorNames: this.serviceMonitorNames,
            ruleName: this.ruleName,
            dashboardConfigMapNames: this.dashboardConfigMapNames,
        });
    }
}
