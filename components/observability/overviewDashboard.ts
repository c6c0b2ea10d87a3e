/**
 * The `messaging-overview` dashboard: the messaging API, message delivery, the relay, the object
 * store and backups of one network at a glance, with lines at the alert thresholds.
 */
import { Dashboard } from "../k8s/grafanaDashboard";
import { ScrapeTarget } from "../k8s/monitoring";
import { MESSAGING_API_METRICS } from "../services/messagingApi";
import { OBJECT_STORE_METRICS } from "../services/objectStore";
import { RELAY_METRICS } from "../services/relay";
import { KUBE_STATE_METRICS, PROMETHEUS_METRICS } from "./clusterMetrics";
import { panel, quantile, query, rateOf, scoped } from "./dashboardQueries";
import { BackupWatch } from "./platformAlerts";
import { oneOf, re, selector } from "./promql";
import { AlertScope } from "./serviceAlerts";

/** The services the overview shows. */
export interface OverviewTargets {
    readonly relay: ScrapeTarget;
    readonly messagingApi: ScrapeTarget;
    readonly objectStore: ScrapeTarget;
}

/** Everything at a glance: API, delivery, relay, storage and backups. */
export function messagingOverview(scope: AlertScope, targets: OverviewTargets, backups: BackupWatch): Dashboard {
    const t = scope.thresholds;
    const api = scoped(scope, targets.messagingApi);
    const relay = scoped(scope, targets.relay);
    const store = scoped(scope, targets.objectStore);
    const requests = MESSAGING_API_METRICS.httpRequests.name;
    const lastBackup = selector(KUBE_STATE_METRICS.cronJobLastSuccess.name, {
        namespace: scope.namespace,
        cronjob: oneOf(backups.jobs.map((j) => j.cronJob)),
    });
    return {
        uid: `messaging-overview-${scope.network}`,
        title: `Messaging overview (${scope.network})`,
        description: "The messaging API, message delivery, the relay, the object store and backups of one network.",
        tags: ["messaging-infra", scope.network],
        rows: [
            {
                title: "Messaging API",
                panels: [
                    panel({
                        title: "Requests by status",
                        description: "HTTP requests answered per second, by status code.",
                        kind: "timeseries",
                        unit: "reqps",
                        queries: [query(rateOf(api, requests, ["status"]), "{{status}}")],
                    }),
                    panel({
                        title: "5xx ratio",
                        description:
                            "The share of requests answered with a 5xx; ApiHighErrorRatio fires above the line.",
                        kind: "timeseries",
                        unit: "percentunit",
                        queries: [
                            query(
                                `${rateOf(api, requests, [], { status: re("5..") })} / ${rateOf(api, requests)}`,
                                "5xx",
                            ),
                        ],
                        thresholds: [{ value: t.apiErrorRatio, color: "red" }],
                    }),
                    panel({
                        title: "P99 request duration",
                        description: "99th-percentile request duration; ApiHighLatency fires above the line.",
                        kind: "timeseries",
                        unit: "s",
                        queries: [query(quantile(api, MESSAGING_API_METRICS.httpRequestDuration, 0.99), "p99")],
                        thresholds: [{ value: t.apiLatencySeconds, color: "red" }],
                    }),
                    panel({
                        title: "WebSocket connections",
                        description: "Open WebSocket connections over every API pod.",
                        kind: "stat",
                        unit: "short",
                        queries: [
                            query(`sum (${api(MESSAGING_API_METRICS.websocketConnections.name)})`, "connections"),
                        ],
                    }),
                ],
            },
            {
                title: "Message delivery",
                panels: [
                    panel({
                        title: "Messages in and out",
                        description: "Messages the API accepted and messages the relays received, per second.",
                        kind: "timeseries",
                        unit: "ops",
                        queries: [
                            query(rateOf(api, MESSAGING_API_METRICS.messagesSent.name), "API accepted"),
                            query(rateOf(relay, RELAY_METRICS.messagesReceived.name), "relay received"),
                        ],
                    }),
                    panel({
                        title: "P99 delivery latency",
                        description: "99th-percentile delivery latency; HighMessageLatency fires above the line.",
                        kind: "timeseries",
                        unit: "s",
                        queries: [query(quantile(relay, RELAY_METRICS.deliveryLatency, 0.99), "p99")],
                        thresholds: [{ value: t.messageLatencySeconds, color: "red" }],
                    }),
                    panel({
                        title: "Queue to Kafka",
                        description: "Messages waiting in the API pods' outbound queues.",
                        kind: "timeseries",
                        unit: "short",
                        queries: [query(`sum (${api(MESSAGING_API_METRICS.messageQueueLength.name)})`, "queued")],
                    }),
                    panel({
                        title: "Relay connections",
                        description: "Client connections open on every relay node.",
                        kind: "stat",
                        unit: "short",
                        queries: [query(`sum (${relay(RELAY_METRICS.connectionsActive.name)})`, "connections")],
                    }),
                ],
            },
            {
                title: "Storage and backups",
                panels: [
                    panel({
                        title: "Object store requests",
                        description: "S3 requests and failed S3 requests per second.",
                        kind: "timeseries",
                        unit: "reqps",
                        queries: [
                            query(rateOf(store, OBJECT_STORE_METRICS.requests.name), "requests"),
                            query(rateOf(store, OBJECT_STORE_METRICS.requestErrors.name), "errors"),
                        ],
                    }),
                    panel({
                        title: "Object store free",
                        description: "Usable capacity left in the object store.",
                        kind: "stat",
                        unit: "bytes",
                        queries: [query(`max (${store(OBJECT_STORE_METRICS.usableFree.name)})`, "free")],
                    }),
                    panel({
                        title: "Since the last successful backup",
                        description: "Per store; BackupOverdue fires above the line.",
                        kind: "timeseries",
                        unit: "s",
                        queries: [query(`time() - ${lastBackup}`, "{{cronjob}}")],
                        thresholds: [{ value: backups.intervalSeconds + backups.runSeconds, color: "red" }],
                    }),
                    panel({
                        title: "Scrape targets up",
                        description: "Pods Prometheus scrapes successfully, by service.",
                        kind: "stat",
                        unit: "short",
                        queries: [
                            query(
                                `sum by (job) (${selector(PROMETHEUS_METRICS.up.name, { namespace: scope.namespace })})`,
                                "{{job}}",
                            ),
                        ],
                    }),
                ],
            },
        ],
    };
}
