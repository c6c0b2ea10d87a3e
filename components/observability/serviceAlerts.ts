/**
 * The alerts on what the platform's services report about themselves: the relay (nodes down,
 * delivery latency, its limits), the messaging API (errors, latency, WebSocket clients) and the key
 * service (key generation latency). Each reads only the metrics its service declares, scoped to the
 * network's namespace and the service's `job`; thresholds come from config, the relay's connection
 * limit from the relay's own `limits.maxConnections`.
 */
import { AlertGroup, AlertRule, Severity } from "../k8s/alertRules";
import { histogramSeries } from "../k8s/metrics";
import { ScrapeTarget } from "../k8s/monitoring";
import { Network } from "../network";
import { KMS_SERVICE_METRICS } from "../services/kmsService";
import { MESSAGING_API_METRICS } from "../services/messagingApi";
import { RELAY_METRICS } from "../services/relay";
import { KUBE_STATE_METRICS, PROMETHEUS_METRICS } from "./clusterMetrics";
import { Matchers, promNumber, re, selector } from "./promql";

/** What every alert of one network is written for. */
export interface AlertScope {
    readonly network: Network;
    /** The network's namespace: every selector is scoped to it. */
    readonly namespace: string;
    /** The runbook's URL; each alert links `<url>#<alert, lower-case>`. */
    readonly runbookUrl: string;
    /** Thresholds from config (`monitoring.alerts`). */
    readonly thresholds: {
        readonly messageLatencySeconds: number;
        readonly apiErrorRatio: number;
        readonly apiLatencySeconds: number;
        readonly relayConnectionsRatio: number;
        readonly relayRateLimitedPerSecond: number;
        readonly relayRejectedPerSecond: number;
        readonly keyGenerationLatencySeconds: number;
        readonly volumeUsageRatio: number;
    };
}

/** Pages on mainnet, warns elsewhere: for what takes users' messages away. */
export function pageOnMainnet(network: Network): Severity {
    return network === "mainnet" ? "critical" : "warning";
}

/** A rule with its runbook link (the section named after the alert). */
export function alert(scope: AlertScope, rule: Omit<AlertRule, "runbookUrl">): AlertRule {
    return { ...rule, runbookUrl: `${scope.runbookUrl}#${rule.alert.toLowerCase()}` };
}

/** The matchers of one target's own series: this namespace, this job. */
export function ofTarget(scope: AlertScope, target: ScrapeTarget, extra: Matchers = {}): Matchers {
    return { namespace: scope.namespace, job: target.service, ...extra };
}

/** `histogram_quantile(q, ...)` of a declared histogram of the target, over 5 minutes. */
function p99(scope: AlertScope, target: ScrapeTarget, bucket: string): string {
    return `histogram_quantile(0.99, sum by (namespace, le) (rate(${selector(bucket, ofTarget(scope, target))}[5m])))`;
}

/** The relay's alerts: nodes down or not ready, delivery latency, connections near the limit, throttling, rejections. */
export function relayAlerts(scope: AlertScope, relay: ScrapeTarget, maxConnections: number): AlertGroup {
    const t = scope.thresholds;
    const up = selector(PROMETHEUS_METRICS.up.name, ofTarget(scope, relay));
    const ready = selector(KUBE_STATE_METRICS.podReady.name, {
        namespace: scope.namespace,
        pod: re(relay.pods),
        condition: "true",
    });
    const nearLimit = Math.ceil(maxConnections * t.relayConnectionsRatio);
    const rate = (series: string) => `sum by (namespace) (rate(${selector(series, ofTarget(scope, relay))}[5m]))`;
    return {
        name: "relay",
        rules: [
            alert(scope, {
                alert: "RelayNodeDown",
                expr: `max by (namespace, pod) (${up} == 0)\nor\nmax by (namespace, pod) (${ready} == 0)`,
                for: "5m",
                severity: pageOnMainnet(scope.network),
                summary: "Relay node {{ $labels.pod }} is down or not ready",
                description:
                    "Relay pod {{ $labels.pod }} in {{ $labels.namespace }} has failed its scrapes or its readiness " +
                    "for 5 minutes. Its clients cannot connect, and blobs stored on it wait until it is back.",
            }),
            alert(scope, {
                alert: "HighMessageLatency",
                expr: `${p99(scope, relay, histogramSeries(RELAY_METRICS.deliveryLatency, "bucket"))} > ${promNumber(t.messageLatencySeconds)}`,
                for: "5m",
                severity: "warning",
                summary: "P99 message delivery latency is {{ $value | humanizeDuration }}",
                description:
                    `The relay's 99th-percentile delivery latency in {{ $labels.namespace }} has been above ` +
                    `${promNumber(t.messageLatencySeconds)}s for 5 minutes: recipients get messages late.`,
            }),
            alert(scope, {
                alert: "RelayConnectionsNearLimit",
                expr: `max by (namespace, pod) (${selector(RELAY_METRICS.connectionsActive.name, ofTarget(scope, relay))}) >= ${nearLimit}`,
                for: "10m",
                severity: "warning",
                summary: "Relay node {{ $labels.pod }} holds {{ $value }} of its " + `${maxConnections} connections`,
                description:
                    `Relay pod {{ $labels.pod }} has held at least ${nearLimit} connections ` +
                    `(${promNumber(t.relayConnectionsRatio * 100)}% of limits.maxConnections, ${maxConnections}) for ` +
                    "10 minutes; past the limit it refuses new clients. Scale the relay out or raise the limit.",
            }),
            alert(scope, {
                alert: "RelayRateLimiting",
                expr: `${rate(RELAY_METRICS.rateLimited.name)} > ${promNumber(t.relayRateLimitedPerSecond)}`,
                for: "10m",
                severity: "warning",
                summary: "The relay refuses {{ $value | humanize }} requests/s for their client's rate limit",
                description:
                    `The relays in {{ $labels.namespace }} have refused more than ${promNumber(t.relayRateLimitedPerSecond)} ` +
                    "requests per second for exceeding limits.rateLimitPerClientPerMinute, for 10 minutes: a client " +
                    "is misbehaving or the limit is too low for real traffic.",
            }),
            alert(scope, {
                alert: "RelayRejectingMessages",
                expr: `${rate(RELAY_METRICS.messagesRejected.name)} > ${promNumber(t.relayRejectedPerSecond)}`,
                for: "10m",
                severity: "warning",
                summary: "The relay rejects {{ $value | humanize }} messages/s",
                description:
                    `The relays in {{ $labels.namespace }} have rejected more than ${promNumber(t.relayRejectedPerSecond)} ` +
                    "messages per second (too large, malformed or expired) for 10 minutes: a client release or the " +
                    "limits.maxMessageBytes setting is likely wrong.",
            }),
        ],
    };
}

/** The messaging API's alerts: 5xx ratio, P99 latency, WebSocket clients gone. */
export function apiAlerts(scope: AlertScope, api: ScrapeTarget): AlertGroup {
    const t = scope.thresholds;
    const requests = (extra: Matchers = {}) =>
        `sum by (namespace) (rate(${selector(MESSAGING_API_METRICS.httpRequests.name, ofTarget(scope, api, extra))}[5m]))`;
    const sockets = selector(MESSAGING_API_METRICS.websocketConnections.name, ofTarget(scope, api));
    return {
        name: "messaging-api",
        rules: [
            alert(scope, {
                alert: "ApiHighErrorRatio",
                expr: `${requests({ status: re("5..") })}\n/\n${requests()}\n> ${promNumber(t.apiErrorRatio)}`,
                for: "5m",
                severity: pageOnMainnet(scope.network),
                summary: "{{ $value | humanizePercentage }} of API requests fail",
                description:
                    `More than ${promNumber(t.apiErrorRatio * 100)}% of the messaging API's requests in ` +
                    "{{ $labels.namespace }} have been answered with a 5xx for 5 minutes.",
            }),
            alert(scope, {
                alert: "ApiHighLatency",
                expr: `${p99(scope, api, histogramSeries(MESSAGING_API_METRICS.httpRequestDuration, "bucket"))} > ${promNumber(t.apiLatencySeconds)}`,
                for: "10m",
                severity: "warning",
                summary: "P99 API request duration is {{ $value | humanizeDuration }}",
                description:
                    `The messaging API's 99th-percentile request duration in {{ $labels.namespace }} has been above ` +
                    `${promNumber(t.apiLatencySeconds)}s for 10 minutes.`,
            }),
            alert(scope, {
                alert: "WebSocketConnectionsDropped",
                expr: `sum by (namespace) (${sockets}) == 0\nand\nsum by (namespace) (max_over_time(${sockets}[1h])) > 0`,
                for: "5m",
                severity: pageOnMainnet(scope.network),
                summary: "Every WebSocket client of the API is gone",
                description:
                    "The messaging API in {{ $labels.namespace }} has had no WebSocket connection for 5 minutes after " +
                    "having some within the hour: clients cannot reach it (ingress, TLS, DNS) or it drops them.",
            }),
        ],
    };
}

/** The key service's alert: slow key generation. */
export function kmsAlerts(scope: AlertScope, kms: ScrapeTarget): AlertGroup {
    const seconds = promNumber(scope.thresholds.keyGenerationLatencySeconds);
    return {
        name: "kms-service",
        rules: [
            alert(scope, {
                alert: "KeyGenerationSlow",
                expr: `${p99(scope, kms, histogramSeries(KMS_SERVICE_METRICS.keyGenerationLatency, "bucket"))} > ${seconds}`,
                for: "10m",
                severity: "warning",
                summary: "P99 key generation takes {{ $value | humanizeDuration }}",
                description:
                    `The key service's 99th-percentile key generation latency in {{ $labels.namespace }} has been above ` +
                    `${seconds}s for 10 minutes; relays wait on it when clients register.`,
            }),
        ],
    };
}
