/**
 * workload-metrics-scraped (rules/stack/monitoring.ts): one passing stack and one mutation per
 * failing condition, with exact messages; where it applies (a ServiceMonitor in the namespace, or
 * requireMonitoring), the annotation-declared metrics port, and exemptions.
 */
import * as assert from "node:assert/strict";
import { SERVICE_MONITOR, workloadMetricsScraped } from "../../rules/stack/monitoring";
import { deployment, k8s, NS, provider, selector, service } from "../compliantStack";
import { messagesOf, policyTable, res } from "../support";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- fixtures are edited as raw JSON
type Json = any;

/** The relay with a metrics port, its Service serving it, and the ServiceMonitor scraping it. */
function stack() {
    const d = deployment();
    d.props.spec.template.spec.containers[0].ports.push({ name: "metrics", containerPort: 9102 });
    const s = service();
    s.props.metadata.labels = selector("relay");
    s.props.spec.ports.push({ name: "metrics", port: 9102, targetPort: "metrics" });
    const m = res(
        SERVICE_MONITOR,
        "relay-service-monitor",
        {
            apiVersion: "monitoring.coreos.com/v1",
            kind: "ServiceMonitor",
            metadata: { name: "relay", namespace: NS, labels: { release: "kube-prometheus-stack" } },
            spec: {
                namespaceSelector: { matchNames: [NS] },
                selector: { matchLabels: selector("relay") },
                endpoints: [{ port: "metrics", path: "/metrics", interval: "30s" }],
            },
        },
        k8s,
    );
    return { p: provider(), d, s, m } as { p: Json; d: Json; s: Json; m: Json };
}
const list = (s: ReturnType<typeof stack>) => [s.p, s.d, s.s, s.m];

const WHAT = 'Deployment "relay" in namespace "messaging-mainnet" serves metrics on port "metrics" 9102';
const NO_SERVICE =
    `${WHAT} but no Service in "messaging-mainnet" selects its pods on that port; add one, and a ServiceMonitor ` +
    "that scrapes it, so its metrics reach Prometheus.";
const NO_MONITOR =
    `${WHAT} but no ServiceMonitor (monitoring.coreos.com/v1) watching "messaging-mainnet" selects Service "relay"; ` +
    "add one whose spec.selector matches the Service's labels, so its metrics reach Prometheus.";
const REQUIRED = { requireMonitoring: true };

describe("stack policies", () => {
    describe("workload-metrics-scraped", () => {
        policyTable(workloadMetricsScraped, stack, list, [
            {
                name: "no ServiceMonitor at all where monitoring is required",
                mutate: (s) => void (s.m.type = "kubernetes:core/v1:ConfigMap"),
                config: REQUIRED,
                messages: [NO_MONITOR],
            },
            {
                name: "a ServiceMonitor whose selector misses the Service",
                mutate: (s) =>
                    void (s.m.props.spec.selector = { matchLabels: { "app.kubernetes.io/name": "relay-v2" } }),
                messages: [NO_MONITOR],
            },
            {
                name: "a ServiceMonitor in another namespace that does not watch this one",
                mutate: (s) => {
                    s.m.props.metadata.namespace = "monitoring";
                    delete s.m.props.spec.namespaceSelector;
                },
                config: REQUIRED,
                messages: [NO_MONITOR],
            },
            {
                name: "an endpoint naming another port",
                mutate: (s) => void (s.m.props.spec.endpoints[0].port = "http"),
                messages: [
                    `${WHAT} but no endpoint of ServiceMonitor "relay" names the Service port "metrics"; set ` +
                        "spec.endpoints[].port to it, so that port is what Prometheus scrapes.",
                ],
            },
            {
                name: "a Service without the metrics port",
                mutate: (s) => void s.s.props.spec.ports.pop(),
                messages: [NO_SERVICE],
            },
            {
                name: "a Service that selects other pods",
                mutate: (s) => void (s.s.props.spec.selector = selector("kms-service")),
                messages: [NO_SERVICE],
            },
        ]);

        it("applies only where a ServiceMonitor exists, unless monitoring is required", async () => {
            const s = stack();
            assert.deepEqual(await messagesOf(workloadMetricsScraped, [s.p, s.d, s.s]), []);
            assert.deepEqual(await messagesOf(workloadMetricsScraped, [s.p, s.d, s.s], REQUIRED), [NO_MONITOR]);
        });

        it("finds the metrics port the prometheus.io annotations name (MinIO serves them on its S3 port)", async () => {
            const s = stack();
            const container = s.d.props.spec.template.spec.containers[0];
            container.ports = [{ name: "s3", containerPort: 9000 }];
            s.d.props.spec.template.metadata.annotations = {
                "prometheus.io/scrape": "true",
                "prometheus.io/port": "9000",
            };
            s.s.props.spec.ports = [{ name: "s3", port: 9000, targetPort: "s3" }];
            s.m.props.spec.endpoints[0].port = "s3";
            assert.deepEqual(await messagesOf(workloadMetricsScraped, list(s), REQUIRED), []);
            s.m.props.spec.endpoints[0].port = "metrics";
            assert.deepEqual(await messagesOf(workloadMetricsScraped, list(s), REQUIRED), [
                'Deployment "relay" in namespace "messaging-mainnet" serves metrics on port "s3" 9000 but no endpoint of ' +
                    'ServiceMonitor "relay" names the Service port "s3"; set spec.endpoints[].port to it, so that port is ' +
                    "what Prometheus scrapes.",
            ]);
        });

        it("skips exempt workloads and workloads without a metrics port", async () => {
            const s = stack();
            const exempt = { ...REQUIRED, exempt: ["messaging-mainnet/relay"] };
            assert.deepEqual(await messagesOf(workloadMetricsScraped, [s.p, s.d, s.s], exempt), []);
            s.d.props.spec.template.spec.containers[0].ports.pop();
            assert.deepEqual(await messagesOf(workloadMetricsScraped, [s.p, s.d, s.s], REQUIRED), []);
        });
    });
});
