/**
 * The monitoring block: ServiceMonitor specs, the PrometheusRule spec of alert groups, the Grafana
 * dashboard model, the declared-metric vocabulary, the scrape target a service describes, every
 * bad argument reported at once with nothing registered, and exactly the children it creates.
 */
import * as assert from "node:assert/strict";
import { alertGroupProblems, AlertGroup, ruleFileSpec } from "../../../components/k8s/alertRules";
import { Dashboard, dashboardModel, dashboardProblems } from "../../../components/k8s/grafanaDashboard";
import { counter, exposedNames, gauge, histogram } from "../../../components/k8s/metrics";
import {
    PlatformMonitoring,
    PlatformMonitoringArgs,
    ScrapeTarget,
    serviceMonitorSpec,
} from "../../../components/k8s/monitoring";
import { scrapeTargetOf } from "../../../components/services/platformService";
import { registeredBeforeFailure, runInMockEngine } from "../../../harness/mockEngine";
import { Json } from "../../support/workloadFixtures";

const METRICS = {
    connections: gauge("relay_connections_active", "Open connections."),
    received: counter("relay_messages_received_total", "Messages accepted."),
    latency: histogram("message_delivery_latency_seconds", "Delivery latency."),
};
const TARGET: ScrapeTarget = {
    service: "relay",
    selector: { "app.kubernetes.io/name": "relay", "app.kubernetes.io/instance": "testnet" },
    port: "metrics",
    path: "/metrics",
    metrics: METRICS,
    pods: "relay-[0-9]+",
    volumeClaims: ["data-relay-[0-9]+"],
};
const GROUP: AlertGroup = {
    name: "relay",
    rules: [
        {
            alert: "RelayNodeDown",
            expr: 'up{job="relay"} == 0',
            for: "5m",
            severity: "critical",
            summary: "Relay node {{ $labels.pod }} is down",
            description: "It has failed its scrapes for 5 minutes.",
            runbookUrl: "docs/runbook.md#relaynodedown",
        },
    ],
};
const DASHBOARD: Dashboard = {
    uid: "relay-performance-testnet",
    title: "Relay performance (testnet)",
    description: "The relay.",
    tags: ["messaging-infra"],
    rows: [
        {
            title: "Connections",
            panels: [
                {
                    title: "Per node",
                    description: "Open connections.",
                    kind: "timeseries",
                    unit: "short",
                    queries: [{ expr: "max by (pod) (relay_connections_active)", legend: "{{pod}}" }],
                    thresholds: [{ value: 900, color: "orange" }],
                },
                {
                    title: "Total",
                    description: "All nodes.",
                    kind: "stat",
                    unit: "short",
                    queries: [{ expr: "sum (relay_connections_active)", legend: "all" }],
                },
            ],
        },
    ],
};

function validArgs(overrides: Partial<PlatformMonitoringArgs> = {}): PlatformMonitoringArgs {
    return {
        network: "testnet",
        namespace: "messaging-testnet",
        targets: [TARGET],
        scrapeInterval: "30s",
        scrapeTimeout: "10s",
        serviceMonitorLabels: { release: "kube-prometheus-stack" },
        ruleLabels: { release: "kube-prometheus-stack" },
        alertGroups: [GROUP],
        dashboards: [DASHBOARD],
        dashboardLabel: { name: "grafana_dashboard", value: "1" },
        ...overrides,
    };
}

const run = (args: PlatformMonitoringArgs) =>
    runInMockEngine(() => void new PlatformMonitoring("monitoring", args), {
        project: "messaging-infra",
        stack: "testnet",
    });

describe("k8s PlatformMonitoring", () => {
    it("scrapes the target's Service (never its headless twin) on its named port, path and timing", () => {
        assert.deepEqual(serviceMonitorSpec(TARGET, "messaging-testnet", validArgs()), {
            jobLabel: "app.kubernetes.io/name",
            namespaceSelector: { matchNames: ["messaging-testnet"] },
            selector: {
                matchLabels: TARGET.selector,
                matchExpressions: [{ key: "messaging-infra/headless-service", operator: "DoesNotExist" }],
            },
            endpoints: [{ port: "metrics", path: "/metrics", scheme: "http", interval: "30s", scrapeTimeout: "10s" }],
        });
    });

    it("renders alert groups as a rule file: severity label first, summary, description and runbook_url", () => {
        assert.deepEqual(ruleFileSpec([GROUP]), {
            groups: [
                {
                    name: "relay",
                    rules: [
                        {
                            alert: "RelayNodeDown",
                            expr: 'up{job="relay"} == 0',
                            for: "5m",
                            labels: { severity: "critical" },
                            annotations: {
                                summary: "Relay node {{ $labels.pod }} is down",
                                description: "It has failed its scrapes for 5 minutes.",
                                runbook_url: "docs/runbook.md#relaynodedown",
                            },
                        },
                    ],
                },
            ],
        });
    });

    it("lays a row's panels out side by side under its header, with threshold lines and the datasource variable", () => {
        const model = dashboardModel(DASHBOARD);
        assert.deepEqual(
            model.panels.map((p) => [p.type, p.title, p.gridPos]),
            [
                ["row", "Connections", { h: 1, w: 24, x: 0, y: 0 }],
                ["timeseries", "Per node", { h: 8, w: 12, x: 0, y: 1 }],
                ["stat", "Total", { h: 8, w: 12, x: 12, y: 1 }],
            ],
        );
        const perNode = model.panels[1];
        assert.deepEqual(perNode.fieldConfig?.defaults.thresholds.steps, [
            { color: "green", value: null },
            { value: 900, color: "orange" },
        ]);
        assert.equal(perNode.fieldConfig?.defaults.custom?.thresholdsStyle.mode, "line");
        assert.deepEqual(perNode.targets?.[0], {
            refId: "A",
            expr: "max by (pod) (relay_connections_active)",
            legendFormat: "{{pod}}",
            datasource: { type: "prometheus", uid: "${datasource}" },
        });
        assert.deepEqual(model.templating.list[0], {
            name: "datasource",
            label: "Data source",
            type: "datasource",
            query: "prometheus",
            current: {},
            hide: 0,
        });
        assert.equal(model.editable, false);
    });

    it("exposes a histogram as _bucket, _sum and _count", () => {
        assert.deepEqual(exposedNames(METRICS), [
            "message_delivery_latency_seconds_bucket",
            "message_delivery_latency_seconds_count",
            "message_delivery_latency_seconds_sum",
            "relay_connections_active",
            "relay_messages_received_total",
        ]);
    });

    it("describes a service's pods and claims as its controller names them", () => {
        const selector = { "app.kubernetes.io/name": "relay" };
        const sts = scrapeTargetOf(
            {
                service: "relay",
                kind: "StatefulSet",
                volumeClaims: [{ name: "data", mountPath: "/data", size: "1Gi" }],
            },
            selector,
            METRICS,
        );
        assert.deepEqual(
            [sts.port, sts.path, sts.pods, sts.volumeClaims],
            ["metrics", "/metrics", "relay-[0-9]+", ["data-relay-[0-9]+"]],
        );
        const deployment = scrapeTargetOf({ service: "api", metrics: { port: "web", path: "/m" } }, selector, METRICS);
        assert.deepEqual(
            [deployment.port, deployment.path, deployment.pods, deployment.volumeClaims],
            ["web", "/m", "api-[a-z0-9]+-[a-z0-9]+", []],
        );
    });

    it("registers one ServiceMonitor per target, one PrometheusRule and one ConfigMap per dashboard, labelled", async () => {
        const { resources } = await run(validArgs());
        const children = resources.filter((r) => r.custom).map((r) => [r.type, r.name, (r.inputs as Json).metadata]);
        assert.deepEqual(children, [
            [
                "kubernetes:monitoring.coreos.com/v1:ServiceMonitor",
                "monitoring-relay-service-monitor",
                {
                    name: "relay",
                    namespace: "messaging-testnet",
                    labels: {
                        release: "kube-prometheus-stack",
                        "app.kubernetes.io/name": "relay",
                        "app.kubernetes.io/instance": "testnet",
                        "app.kubernetes.io/component": "monitoring",
                        "app.kubernetes.io/part-of": "messaging-infra",
                        "app.kubernetes.io/managed-by": "pulumi",
                    },
                },
            ],
            [
                "kubernetes:monitoring.coreos.com/v1:PrometheusRule",
                "monitoring-rules",
                {
                    name: "messaging-infra-alerts",
                    namespace: "messaging-testnet",
                    labels: {
                        release: "kube-prometheus-stack",
                        "app.kubernetes.io/part-of": "messaging-infra",
                        "app.kubernetes.io/instance": "testnet",
                        "app.kubernetes.io/managed-by": "pulumi",
                    },
                },
            ],
            [
                "kubernetes:core/v1:ConfigMap",
                "monitoring-dashboard-relay-performance-testnet",
                {
                    name: "dashboard-relay-performance-testnet",
                    namespace: "messaging-testnet",
                    labels: {
                        grafana_dashboard: "1",
                        "app.kubernetes.io/part-of": "messaging-infra",
                        "app.kubernetes.io/instance": "testnet",
                        "app.kubernetes.io/managed-by": "pulumi",
                    },
                },
            ],
        ]);
        const dashboard = resources.find((r) => r.type === "kubernetes:core/v1:ConfigMap")?.inputs as Json;
        assert.deepEqual(JSON.parse(dashboard.data["relay-performance-testnet.json"]), dashboardModel(DASHBOARD));
    });

    it("reports every bad argument at once and registers nothing", async () => {
        const args = validArgs({
            targets: [TARGET, { ...TARGET, port: "Metrics_Port", path: "metrics" }],
            scrapeInterval: "30s",
            scrapeTimeout: "30s",
            serviceMonitorLabels: { "app.kubernetes.io/part-of": "x" },
            ruleLabels: {},
            dashboardLabel: { name: "grafana dashboard", value: "1" },
        });
        await assert.rejects(run(args), (error: unknown) => {
            assert.ok(error instanceof Error);
            assert.equal(
                error.message,
                [
                    'Invalid arguments to messaging:k8s:PlatformMonitoring "monitoring": 7 problems. Fix the caller:',
                    '  - targets[1].service: got "relay"; allowed: a service scraped once',
                    '  - targets[1].port: got "Metrics_Port"; allowed: the name of the Service\'s metrics port, e.g. metrics',
                    '  - targets[1].path: got "metrics"; allowed: an HTTP path starting with /, e.g. /metrics',
                    '  - scrapeTimeout: got "30s"; allowed: a duration shorter than scrapeInterval (30s)',
                    '  - serviceMonitorLabels.app.kubernetes.io/part-of: got "x"; allowed: a label outside ' +
                        "app.kubernetes.io/ (the platform sets those)",
                    "  - ruleLabels: got {}; allowed: at least one label the operator selects by",
                    '  - dashboardLabel: got {"name":"grafana dashboard","value":"1"}; allowed: a Kubernetes label: an ' +
                        "optional DNS-subdomain prefix and '/', a name of at most 63 letters, digits, '-', '_' and '.' " +
                        "starting and ending with a letter or digit, and a value of that form (or empty)",
                ].join("\n"),
            );
            assert.equal(registeredBeforeFailure(error), 0);
            return true;
        });
    });

    it("rejects alerts without a usable name, duration, severity, text or runbook anchor", () => {
        const rule = GROUP.rules[0];
        const groups: AlertGroup[] = [
            GROUP,
            {
                name: "relay",
                rules: [
                    { ...rule, alert: "relay_down", for: "5 minutes", summary: " ", runbookUrl: "docs/runbook.md" },
                    { ...rule, severity: "page" as never, labels: { severity: "critical" } },
                ],
            },
        ];
        assert.deepEqual(
            alertGroupProblems(groups).map((p) => `${p.path}: ${p.given}; ${p.allowed}`),
            [
                'groups[1].name: "relay"; a group name used once',
                'groups[1].rules[0].alert: "relay_down"; an UpperCamelCase alert name, e.g. RelayNodeDown',
                'groups[1].rules[0].for: "5 minutes"; a Prometheus duration in hours, minutes and seconds, such as 30s, 1m or 1h30m',
                'groups[1].rules[0].summary: " "; a sentence for the responder',
                "groups[1].rules[0].runbookUrl: \"docs/runbook.md\"; the runbook's URL with its section's #anchor",
                'groups[1].rules[1].alert: "RelayNodeDown"; an alert name used once',
                'groups[1].rules[1].severity: "page"; critical, warning or info',
                'groups[1].rules[1].labels.severity: "critical"; nothing: set severity instead',
            ],
        );
    });

    it("rejects dashboards with a bad or repeated uid, empty or crowded rows, panels without queries", () => {
        const panel = DASHBOARD.rows[0].panels[0];
        const bad: Dashboard[] = [
            DASHBOARD,
            {
                ...DASHBOARD,
                rows: [{ title: "Crowded", panels: [panel, panel, panel, panel, { ...panel, queries: [] }] }],
            },
            { ...DASHBOARD, uid: "Relay Performance", rows: [] },
        ];
        assert.deepEqual(
            dashboardProblems(bad).map((p) => `${p.path}: ${p.given}; ${p.allowed}`),
            [
                'dashboards[1].uid: "relay-performance-testnet"; a dashboard uid used once',
                "dashboards[1].rows[0].panels: 5; one to four panels in a row",
                "dashboards[1].rows[0].panels[4].queries: 0; one to 26 queries",
                "dashboards[2].uid: \"Relay Performance\"; 1 to 40 lower-case letters, digits and '-', e.g. relay-performance",
                "dashboards[2].rows: []; at least one row of panels",
            ],
        );
    });
});
