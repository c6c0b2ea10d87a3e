/**
 * The service dashboards: `relay-performance` (connections against the configured limit, traffic,
 * throttling, delivery, blob store) and `kms-operations` (key generation, requests by outcome,
 * signing, keys held). Every query reads the service's declared metrics in the network's namespace.
 */
import { Dashboard } from "../k8s/grafanaDashboard";
import { histogramSeries } from "../k8s/metrics";
import { ScrapeTarget } from "../k8s/monitoring";
import { KMS_SERVICE_METRICS } from "../services/kmsService";
import { RELAY_METRICS } from "../services/relay";
import { KUBELET_METRICS, PROMETHEUS_METRICS } from "./clusterMetrics";
import { panel, quantile, query, rateOf, scoped } from "./dashboardQueries";
import { re, selector } from "./promql";
import { AlertScope } from "./serviceAlerts";

/** The relay in depth: connections against the configured limit, traffic, delivery, blob store. */
export function relayPerformance(scope: AlertScope, relayTarget: ScrapeTarget, maxConnections: number): Dashboard {
    const relay = scoped(scope, relayTarget);
    const nearLimit = Math.ceil(maxConnections * scope.thresholds.relayConnectionsRatio);
    const claims = { namespace: scope.namespace, persistentvolumeclaim: re(relayTarget.volumeClaims.join("|")) };
    const perClaim = (metric: string) => `max by (persistentvolumeclaim) (${selector(metric, claims)})`;
    const byPod = (metric: string) => rateOf(relay, metric, ["pod"]);
    return {
        uid: `relay-performance-${scope.network}`,
        title: `Relay performance (${scope.network})`,
        description: "Relay nodes of one network: connections against limits.maxConnections, traffic and delivery.",
        tags: ["messaging-infra", scope.network, "relay"],
        rows: [
            {
                title: "Connections",
                panels: [
                    panel({
                        title: "Connections per node",
                        description: `Open connections per relay pod; the limit is ${maxConnections} (limits.maxConnections).`,
                        kind: "timeseries",
                        unit: "short",
                        queries: [query(`max by (pod) (${relay(RELAY_METRICS.connectionsActive.name)})`, "{{pod}}")],
                        thresholds: [
                            { value: nearLimit, color: "orange" },
                            { value: maxConnections, color: "red" },
                        ],
                    }),
                    panel({
                        title: "Busiest node's share of the limit",
                        description: "RelayConnectionsNearLimit fires at the orange threshold.",
                        kind: "stat",
                        unit: "percentunit",
                        queries: [
                            query(`max (${relay(RELAY_METRICS.connectionsActive.name)}) / ${maxConnections}`, "used"),
                        ],
                        thresholds: [
                            { value: scope.thresholds.relayConnectionsRatio, color: "orange" },
                            { value: 1, color: "red" },
                        ],
                    }),
                ],
            },
            {
                title: "Traffic",
                panels: [
                    panel({
                        title: "Messages received",
                        description: "Messages each node accepted, per second.",
                        kind: "timeseries",
                        unit: "ops",
                        queries: [query(byPod(RELAY_METRICS.messagesReceived.name), "{{pod}}")],
                    }),
                    panel({
                        title: "Rate-limited requests",
                        description: "Requests refused for their client's rate limit, per second.",
                        kind: "timeseries",
                        unit: "reqps",
                        queries: [query(byPod(RELAY_METRICS.rateLimited.name), "{{pod}}")],
                        thresholds: [{ value: scope.thresholds.relayRateLimitedPerSecond, color: "red" }],
                    }),
                    panel({
                        title: "Rejected messages",
                        description: "Messages refused, by reason, per second.",
                        kind: "timeseries",
                        unit: "ops",
                        queries: [query(rateOf(relay, RELAY_METRICS.messagesRejected.name, ["reason"]), "{{reason}}")],
                    }),
                ],
            },
            {
                title: "Delivery and blobs",
                panels: [
                    panel({
                        title: "Delivery latency",
                        description: "Median, 90th and 99th percentile from acceptance to delivery.",
                        kind: "timeseries",
                        unit: "s",
                        queries: [0.5, 0.9, 0.99].map((q) =>
                            query(quantile(relay, RELAY_METRICS.deliveryLatency, q), `p${Math.round(q * 100)}`),
                        ),
                        thresholds: [{ value: scope.thresholds.messageLatencySeconds, color: "red" }],
                    }),
                    panel({
                        title: "Blobs stored",
                        description: "Blobs each node's store holds.",
                        kind: "timeseries",
                        unit: "short",
                        queries: [query(`max by (pod) (${relay(RELAY_METRICS.blobsStored.name)})`, "{{pod}}")],
                    }),
                    panel({
                        title: "Blobs expired",
                        description: "Blobs the cleanup sweep removed after their TTL, per second.",
                        kind: "timeseries",
                        unit: "ops",
                        queries: [query(byPod(RELAY_METRICS.blobsExpired.name), "{{pod}}")],
                    }),
                    panel({
                        title: "Blob volumes used",
                        description: "Each node's volume; PersistentVolumeFillingUp fires above the line.",
                        kind: "timeseries",
                        unit: "percentunit",
                        queries: [
                            query(
                                `${perClaim(KUBELET_METRICS.volumeUsed.name)} / ${perClaim(KUBELET_METRICS.volumeCapacity.name)}`,
                                "{{persistentvolumeclaim}}",
                            ),
                        ],
                        thresholds: [{ value: scope.thresholds.volumeUsageRatio, color: "red" }],
                    }),
                ],
            },
        ],
    };
}

/** The key service: key generation, requests and their outcome, signing, keys held. */
export function kmsOperations(scope: AlertScope, kmsTarget: ScrapeTarget): Dashboard {
    const kms = scoped(scope, kmsTarget);
    const requests = KMS_SERVICE_METRICS.requests.name;
    return {
        uid: `kms-operations-${scope.network}`,
        title: `KMS operations (${scope.network})`,
        description: "The key service of one network: key generation, requests by outcome, signing and keys held.",
        tags: ["messaging-infra", scope.network, "kms"],
        rows: [
            {
                title: "Key generation",
                panels: [
                    panel({
                        title: "Key generation latency",
                        description: "Median and 99th percentile by provider; KeyGenerationSlow fires above the line.",
                        kind: "timeseries",
                        unit: "s",
                        queries: [
                            query(
                                quantile(kms, KMS_SERVICE_METRICS.keyGenerationLatency, 0.5, ["provider"]),
                                "p50 {{provider}}",
                            ),
                            query(
                                quantile(kms, KMS_SERVICE_METRICS.keyGenerationLatency, 0.99, ["provider"]),
                                "p99 {{provider}}",
                            ),
                        ],
                        thresholds: [{ value: scope.thresholds.keyGenerationLatencySeconds, color: "red" }],
                    }),
                    panel({
                        title: "Keys generated",
                        description: "Keys generated per second, by provider.",
                        kind: "timeseries",
                        unit: "ops",
                        queries: [
                            query(
                                rateOf(kms, histogramSeries(KMS_SERVICE_METRICS.keyGenerationLatency, "count"), [
                                    "provider",
                                ]),
                                "{{provider}}",
                            ),
                        ],
                    }),
                ],
            },
            {
                title: "Requests",
                panels: [
                    panel({
                        title: "Requests by operation",
                        description: "Requests per second by operation and outcome.",
                        kind: "timeseries",
                        unit: "reqps",
                        queries: [query(rateOf(kms, requests, ["operation", "status"]), "{{operation}} {{status}}")],
                    }),
                    panel({
                        title: "Error ratio",
                        description: "The share of requests that failed.",
                        kind: "timeseries",
                        unit: "percentunit",
                        queries: [
                            query(
                                `${rateOf(kms, requests, [], { status: "error" })} / ${rateOf(kms, requests)}`,
                                "errors",
                            ),
                        ],
                    }),
                ],
            },
            {
                title: "Signing and keys",
                panels: [
                    panel({
                        title: "P99 signing latency",
                        description: "99th-percentile signing latency by provider.",
                        kind: "timeseries",
                        unit: "s",
                        queries: [
                            query(
                                quantile(kms, KMS_SERVICE_METRICS.signingLatency, 0.99, ["provider"]),
                                "{{provider}}",
                            ),
                        ],
                    }),
                    panel({
                        title: "Keys held",
                        description: "Keys the service holds, by provider.",
                        kind: "stat",
                        unit: "short",
                        queries: [
                            query(`sum by (provider) (${kms(KMS_SERVICE_METRICS.keysManaged.name)})`, "{{provider}}"),
                        ],
                    }),
                    panel({
                        title: "Pods up",
                        description: "Key service pods Prometheus scrapes successfully.",
                        kind: "stat",
                        unit: "short",
                        queries: [query(`sum (${kms(PROMETHEUS_METRICS.up.name)})`, "up")],
                    }),
                ],
            },
        ],
    };
}
