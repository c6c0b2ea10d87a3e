/**
 * Monitoring as every network registers it: a ServiceMonitor per scraped service that selects exactly
 * that service's ClusterIP Service and names its metrics port, one PrometheusRule whose every alert is
 * complete and links a section of docs/runbook.md, the three dashboards labelled for the Grafana
 * sidecar; every query parses as PromQL (Prometheus's own grammar) and reads only declared metrics;
 * and with `monitoring.enabled: false` none of it exists.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { exposedNames, MetricCatalog } from "../../components/k8s/metrics";
import { DashboardModel } from "../../components/k8s/grafanaDashboard";
import { RuleFileSpec } from "../../components/k8s/alertRules";
import { KUBE_STATE_METRICS, KUBELET_METRICS, PROMETHEUS_METRICS } from "../../components/observability/clusterMetrics";
import { FARCASTER_SYNC_METRICS } from "../../components/services/farcasterSync";
import { KMS_SERVICE_METRICS } from "../../components/services/kmsService";
import { MESSAGING_API_METRICS } from "../../components/services/messagingApi";
import { OBJECT_STORE_METRICS } from "../../components/services/objectStore";
import { RELAY_METRICS } from "../../components/services/relay";
import { RecordedResource } from "../../harness/mockEngine";
import { monitoringArgs } from "../../components/observability";
import { scrapeTargetOf } from "../../components/services/platformService";
import { parseStackConfig } from "../../components/config";
import { rawStackConfig, REPO_ROOT, runStack } from "../../harness/stack";
import { selectorMatches } from "../../policies/rules/util";
import { parsePromql } from "../support/promql";
import { committedStackRun } from "../support/stackRuns";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- recorded inputs are read as raw JSON
type Json = any;
const STACKS = ["devnet", "testnet", "mainnet"];
const SERVICE_MONITOR = "kubernetes:monitoring.coreos.com/v1:ServiceMonitor";
const PROMETHEUS_RULE = "kubernetes:monitoring.coreos.com/v1:PrometheusRule";
const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";
const OPERATOR_SECRETS = {
    covenantSqlCredentials: "secret",
    jwtPublicKey: "secret",
    postgresPassword: "secret",
    redisPassword: "secret",
} as const;

/** Each service's declared metrics, by the `job` its series carry. */
const SERVICE_METRICS: Record<string, MetricCatalog> = {
    relay: RELAY_METRICS,
    "kms-service": KMS_SERVICE_METRICS,
    "farcaster-sync": FARCASTER_SYNC_METRICS,
    "messaging-api": MESSAGING_API_METRICS,
    "object-store": OBJECT_STORE_METRICS,
};
const CLUSTER_METRICS = [PROMETHEUS_METRICS, KUBE_STATE_METRICS, KUBELET_METRICS];
const DECLARED = new Set(exposedNames(...Object.values(SERVICE_METRICS), ...CLUSTER_METRICS));
/** What any job may expose: Prometheus's own series of the scrape. */
const ANY_JOB = new Set(exposedNames(PROMETHEUS_METRICS));

const ofType = (resources: RecordedResource[], type: string) => resources.filter((r) => r.type === type);
const inputs = (r: RecordedResource): Json => r.inputs;

function dashboards(resources: RecordedResource[]): DashboardModel[] {
    return ofType(resources, CONFIG_MAP)
        .filter((r) => inputs(r).metadata.labels?.grafana_dashboard === "1")
        .map((r) => JSON.parse(Object.values(inputs(r).data as Record<string, string>)[0]) as DashboardModel);
}

function ruleSpec(resources: RecordedResource[]): RuleFileSpec {
    const [rule] = ofType(resources, PROMETHEUS_RULE);
    return inputs(rule).spec as RuleFileSpec;
}

/** Every query of the stack: each alert's expression and each dashboard panel's targets. */
function queries(resources: RecordedResource[]): { where: string; expr: string }[] {
    const alerts = ruleSpec(resources).groups.flatMap((g) =>
        g.rules.map((r) => ({ where: `alert ${r.alert}`, expr: r.expr })),
    );
    const panels = dashboards(resources).flatMap((d) =>
        d.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ where: `${d.uid} "${p.title}"`, expr: t.expr }))),
    );
    return [...alerts, ...panels];
}

/** What is wrong with queries: syntax, undeclared metrics, another namespace, a metric its job does not expose. */
function queryProblems(list: { where: string; expr: string }[], ns: string): string[] {
    const problems: string[] = [];
    for (const { where, expr } of list) {
        const parsed = parsePromql(expr);
        problems.push(...parsed.errors.map((e) => `${where}: ${e}`));
        for (const s of parsed.selectors) {
            if (!DECLARED.has(s.name)) problems.push(`${where}: ${s.name || "a nameless selector"} is not declared`);
            if (s.matchers.namespace?.value !== ns) problems.push(`${where}: ${s.name} is not scoped to ${ns}`);
            const job = s.matchers.job;
            if (job?.op !== "=") continue;
            const own = new Set(exposedNames(SERVICE_METRICS[job.value] ?? {}));
            if (!own.has(s.name) && !ANY_JOB.has(s.name))
                problems.push(`${where}: ${job.value} does not expose ${s.name}`);
        }
    }
    return problems;
}

/** GitHub's anchors of a Markdown file's headings. */
function anchorsOf(file: string): Set<string> {
    const headings = fs.readFileSync(file, "utf8").match(/^#{1,6} .+$/gm) ?? [];
    return new Set(
        headings.map((h) =>
            h
                .replace(/^#+ /, "")
                .toLowerCase()
                .replace(/[^a-z0-9 _-]/g, "")
                .replace(/ /g, "-"),
        ),
    );
}

describe("monitoring", () => {
    for (const stack of STACKS) {
        describe(stack, () => {
            const ns = `messaging-${stack}`;
            let resources: RecordedResource[];
            before(async () => {
                resources = (await committedStackRun(stack)).resources;
            });

            it("scrapes every service through a ServiceMonitor: its metrics port by name, its path, 30s/10s, the operator's label", () => {
                const monitors = ofType(resources, SERVICE_MONITOR).map((r) => {
                    const m = inputs(r);
                    assert.equal(m.apiVersion, "monitoring.coreos.com/v1");
                    assert.equal(m.metadata.namespace, ns);
                    assert.equal(m.metadata.labels.release, "kube-prometheus-stack");
                    assert.deepEqual(m.spec.namespaceSelector, { matchNames: [ns] });
                    assert.equal(m.spec.jobLabel, "app.kubernetes.io/name");
                    const [endpoint] = m.spec.endpoints;
                    return [m.metadata.name, endpoint.port, endpoint.path, endpoint.interval, endpoint.scrapeTimeout];
                });
                assert.deepEqual(monitors, [
                    ["relay", "metrics", "/metrics", "30s", "10s"],
                    ["kms-service", "metrics", "/metrics", "30s", "10s"],
                    ["farcaster-sync", "metrics", "/metrics", "30s", "10s"],
                    ["messaging-api", "metrics", "/metrics", "30s", "10s"],
                    ["object-store", "s3", "/minio/v2/metrics/cluster", "30s", "10s"],
                    // devnet's own chain, on 9545.
                    ...(stack === "devnet"
                        ? ["sequencer", "maru", "besu", "ethstats", "tx-sender"].map((c) => [
                              c,
                              "metrics",
                              "/metrics",
                              "30s",
                              "10s",
                          ])
                        : []),
                ]);
            });

            it("each ServiceMonitor selects exactly its service's ClusterIP Service, which serves the named port", () => {
                const services = ofType(resources, "kubernetes:core/v1:Service").map(inputs);
                for (const monitor of ofType(resources, SERVICE_MONITOR).map(inputs)) {
                    const selected = services.filter((s) =>
                        selectorMatches(monitor.spec.selector, s.metadata.labels ?? {}),
                    );
                    assert.deepEqual(
                        selected.map((s) => s.metadata.name),
                        [monitor.metadata.name],
                        `ServiceMonitor ${monitor.metadata.name}`,
                    );
                    const port = monitor.spec.endpoints[0].port;
                    assert.ok(
                        selected[0].spec.ports.some((p: Json) => p.name === port && p.targetPort === port),
                        `Service ${monitor.metadata.name} has no port ${port}`,
                    );
                }
            });

            it("has one PrometheusRule whose every alert has severity, summary, description and a runbook section", () => {
                const [rule, ...more] = ofType(resources, PROMETHEUS_RULE).map(inputs);
                assert.equal(more.length, 0);
                assert.equal(rule.metadata.name, "messaging-infra-alerts");
                assert.equal(rule.metadata.labels.release, "kube-prometheus-stack");
                const anchors = anchorsOf(path.join(REPO_ROOT, "docs", "runbook.md"));
                for (const r of ruleSpec(resources).groups.flatMap((g) => g.rules)) {
                    assert.ok(["critical", "warning", "info"].includes(r.labels.severity), r.alert);
                    assert.ok(r.annotations.summary.length > 10 && r.annotations.description.length > 40, r.alert);
                    const [file, anchor] = r.annotations.runbook_url.split("#");
                    assert.equal(file, "docs/runbook.md", r.alert);
                    assert.ok(anchors.has(anchor), `${r.alert}: docs/runbook.md has no section #${anchor}`);
                }
                const relayDown = ruleSpec(resources).groups[0].rules.find((r) => r.alert === "RelayNodeDown");
                assert.equal(relayDown?.labels.severity, stack === "mainnet" ? "critical" : "warning");
            });

            it("ships messaging-overview, relay-performance and kms-operations to the Grafana sidecar", () => {
                const models = dashboards(resources);
                assert.deepEqual(
                    models.map((d) => d.uid),
                    ["messaging-overview", "relay-performance", "kms-operations"].map((d) => `${d}-${stack}`),
                );
                for (const d of models) {
                    assert.equal(d.templating.list[0].name, "datasource");
                    assert.ok(
                        d.panels.filter((p) => p.type !== "row").every((p) => p.datasource?.uid === "${datasource}"),
                    );
                }
            });

            it("writes every query as PromQL that parses, reading only declared metrics of this namespace", () => {
                assert.deepEqual(queryProblems(queries(resources), ns), []);
                assert.ok(queries(resources).length > 40);
            });
        });
    }

    it("rejects, in that check, a query that does not parse, an undeclared or nameless metric, another namespace or job", () => {
        const ns = "messaging-testnet";
        const bad = [
            `sum(rate(relay_messages_received_total{namespace="${ns}", job="relay"}[5m])`,
            `relay_connections{namespace="${ns}", job="relay"}`,
            `{__name__="up", namespace="${ns}"}`,
            `up{namespace="messaging-mainnet"}`,
            `relay_connections_active{namespace="${ns}", job="messaging-api"}`,
        ].map((expr, i) => ({ where: `q${i}`, expr }));
        assert.deepEqual(queryProblems(bad, ns), [
            'q0: syntax error at 87: ""',
            "q1: relay_connections is not declared",
            "q1: relay does not expose relay_connections",
            "q2: a nameless selector is not declared",
            "q3: up is not scoped to messaging-testnet",
            "q4: messaging-api does not expose relay_connections_active",
        ]);
    });

    it("derives the relay's connection alert and panel from services.relay.limits.maxConnections", () => {
        const config = parseStackConfig(rawStackConfig("testnet"), "testnet", OPERATOR_SECRETS);
        config.services.relay.limits.maxConnections = 2000;
        const target = scrapeTargetOf(
            { service: "relay", kind: "StatefulSet", volumeClaims: [] },
            { "app.kubernetes.io/name": "relay" },
            RELAY_METRICS,
        );
        const args = monitoringArgs(config, "messaging-testnet", { targets: [target], backups: [] });
        const rule = args.alertGroups[0].rules.find((r) => r.alert === "RelayConnectionsNearLimit");
        assert.match(rule?.expr ?? "", />= 1800$/);
        const panel = args.dashboards.find((d) => d.uid === "relay-performance-testnet")?.rows[0].panels[0];
        assert.deepEqual(
            panel?.thresholds?.map((t) => t.value),
            [1800, 2000],
        );
    });

    it("creates no ServiceMonitor, rule, dashboard or metrics network policy with monitoring.enabled false", async () => {
        const off = JSON.stringify({
            enabled: false,
            namespace: "monitoring",
            namespaceLabels: { "kubernetes.io/metadata.name": "monitoring" },
        });
        const { resources } = await runStack("mainnet", { configOverrides: { "messaging-infra:monitoring": off } });
        const left = resources.filter(
            (r) =>
                r.type.startsWith("kubernetes:monitoring.coreos.com/") ||
                r.type === "messaging:k8s:PlatformMonitoring" ||
                (r.type === CONFIG_MAP && "grafana_dashboard" in (inputs(r).metadata.labels ?? {})) ||
                r.name.includes("-monitoring-"),
        );
        assert.deepEqual(
            left.map((r) => r.name),
            [],
        );
        const all = (await committedStackRun("mainnet")).resources.filter((r) => r.name.includes("-monitoring"));
        assert.equal(
            all.length,
            1 + 5 + 1 + 3 + 5,
            "the committed mainnet has them (component, 5 monitors, rule, 3 dashboards, 5 policies)",
        );
    });
});
