/**
 * One promtool unit test per alert, for any network: input series that fire it (with the exact
 * labels and annotations responders will read) and series that must leave it silent (below the
 * threshold, not long enough, another namespace, another job). Thresholds and limits are read from
 * the network's validated config, so the tests follow a stack file edit.
 */
import { NetworkConfig, StackConfig } from "../../components/config";
import { scheduleMaxGapSeconds } from "../../components/observability/promql";
import { ExpectedAlert, InputSeries, PromtoolTestGroup, series } from "./promtool";

/** What the expectations of one network are computed from. */
export interface AlertFacts {
    ns: string;
    /** The severity of the alerts that page on mainnet. */
    page: "critical" | "warning";
    runbook: string;
    thresholds: NetworkConfig["monitoring"]["alerts"];
    maxConnections: number;
    /** Seconds without a successful backup before BackupOverdue. */
    backupMaxAge: number;
    backupInterval: number;
}

/** The facts of a validated stack config. */
export function alertFacts(config: StackConfig): AlertFacts {
    const interval = scheduleMaxGapSeconds(config.backups.schedule);
    return {
        ns: config.namespace.name,
        page: config.network === "mainnet" ? "critical" : "warning",
        runbook: config.monitoring.runbookUrl,
        thresholds: config.monitoring.alerts,
        maxConnections: config.services.relay.limits.maxConnections,
        backupMaxAge: interval + config.backups.activeDeadlineSeconds,
        backupInterval: interval,
    };
}

/** The tests of one alert: its firing case and its silent cases. */
export interface AlertCase {
    alert: string;
    /** The step of the input series and of rule evaluation. Default `1m`; hours-long cases take `5m`. */
    interval?: string;
    fires: { title: string; series: InputSeries[]; at: string; alerts: ExpectedAlert[] };
    quiet: { title: string; series: InputSeries[]; at: string }[];
}

/** The promtool test file of one case (its rule file beside it): the firing group first. */
export function testFile(c: AlertCase, ruleFile: string): Record<string, unknown> {
    return { rule_files: [ruleFile], evaluation_interval: c.interval ?? "1m", tests: testGroups(c) };
}

/** The promtool test groups of one case: the firing one first. */
export function testGroups(c: AlertCase): PromtoolTestGroup[] {
    const group = (name: string, input: InputSeries[], at: string, alerts: ExpectedAlert[]): PromtoolTestGroup => ({
        name: `${c.alert}: ${name}`,
        interval: c.interval ?? "1m",
        input_series: input,
        alert_rule_test: [{ eval_time: at, alertname: c.alert, exp_alerts: alerts }],
    });
    return [
        group(`fires: ${c.fires.title}`, c.fires.series, c.fires.at, c.fires.alerts),
        ...c.quiet.map((q) => group(`silent: ${q.title}`, q.series, q.at, [])),
    ];
}

const s = (name: string, labels: Record<string, string>, values: string): InputSeries => ({
    series: series(name, labels),
    values,
});
const fired = (labels: Record<string, string>, annotations: Record<string, string>): ExpectedAlert => ({
    exp_labels: labels,
    exp_annotations: annotations,
});

/** A histogram whose observations all fall in the bucket that ends at `hi`: 60 a minute, for `minutes` minutes. */
function histogram(name: string, labels: Record<string, string>, hi: number, minutes: number): InputSeries[] {
    const bounds = [0.1, 0.5, 1, 2.5, 5, 10, 30];
    return [...bounds.map(String), "+Inf"].map((le) => {
        // Cumulative buckets: every observation is at most `hi`, none at most `lo`.
        const upper = le === "+Inf" ? Infinity : Number(le);
        return s(`${name}_bucket`, { ...labels, le }, upper >= hi ? `0+60x${minutes}` : `0x${minutes}`);
    });
}

/** The service alerts' cases: relay, messaging API, key service. */
export function serviceAlertCases(f: AlertFacts): AlertCase[] {
    const relay = { namespace: f.ns, job: "relay" };
    const api = { namespace: f.ns, job: "messaging-api" };
    const kms = { namespace: f.ns, job: "kms-service" };
    const elsewhere = { namespace: "messaging-elsewhere" };
    const t = f.thresholds;
    const nearLimit = Math.ceil(f.maxConnections * t.relayConnectionsRatio);
    const link = (alert: string) => `${f.runbook}#${alert.toLowerCase()}`;
    return [
        {
            alert: "RelayNodeDown",
            fires: {
                title: "relay-0 fails its scrapes, relay-1 is not ready",
                series: [
                    s("up", { ...relay, pod: "relay-0" }, "1 0x10"),
                    s("up", { ...relay, pod: "relay-1" }, "1x10"),
                    s("kube_pod_status_ready", { namespace: f.ns, pod: "relay-1", condition: "true" }, "1 0x10"),
                ],
                at: "8m",
                alerts: ["relay-0", "relay-1"].map((pod) =>
                    fired(
                        { severity: f.page, namespace: f.ns, pod },
                        {
                            summary: `Relay node ${pod} is down or not ready`,
                            description:
                                `Relay pod ${pod} in ${f.ns} has failed its scrapes or its readiness for 5 minutes. ` +
                                "Its clients cannot connect, and blobs stored on it wait until it is back.",
                            runbook_url: link("RelayNodeDown"),
                        },
                    ),
                ),
            },
            quiet: [
                {
                    title: "down for 3 minutes only",
                    series: [s("up", { ...relay, pod: "relay-0" }, "1x5 0x3")],
                    at: "8m",
                },
                {
                    title: "another namespace's relay, another job here",
                    series: [
                        s("up", { ...elsewhere, job: "relay", pod: "relay-0" }, "0x10"),
                        s("up", { namespace: f.ns, job: "kms-service", pod: "kms-service-6d4-x7" }, "0x10"),
                        s("kube_pod_status_ready", { namespace: f.ns, pod: "relayer-0", condition: "true" }, "0x10"),
                    ],
                    at: "8m",
                },
            ],
        },
        {
            alert: "HighMessageLatency",
            fires: {
                title: "every delivery takes 5 to 10 s",
                series: histogram("message_delivery_latency_seconds", relay, 10, 15),
                at: "12m",
                alerts: [
                    fired(
                        { severity: "warning", namespace: f.ns },
                        {
                            summary: "P99 message delivery latency is 9.95s",
                            description:
                                `The relay's 99th-percentile delivery latency in ${f.ns} has been above ` +
                                `${t.messageLatencySeconds}s for 5 minutes: recipients get messages late.`,
                            runbook_url: link("HighMessageLatency"),
                        },
                    ),
                ],
            },
            quiet: [
                {
                    title: "deliveries under a second",
                    series: histogram("message_delivery_latency_seconds", relay, 1, 15),
                    at: "12m",
                },
                {
                    title: "slow deliveries of another job",
                    series: histogram("message_delivery_latency_seconds", { namespace: f.ns, job: "other" }, 10, 15),
                    at: "12m",
                },
            ],
        },
        {
            alert: "RelayConnectionsNearLimit",
            fires: {
                title: `relay-2 holds ${nearLimit} connections for 12 minutes`,
                series: [s("relay_connections_active", { ...relay, pod: "relay-2" }, `${nearLimit}x15`)],
                at: "12m",
                alerts: [
                    fired(
                        { severity: "warning", namespace: f.ns, pod: "relay-2" },
                        {
                            summary: `Relay node relay-2 holds ${nearLimit} of its ${f.maxConnections} connections`,
                            description:
                                `Relay pod relay-2 has held at least ${nearLimit} connections ` +
                                `(${Math.round(t.relayConnectionsRatio * 100)}% of limits.maxConnections, ${f.maxConnections}) ` +
                                "for 10 minutes; past the limit it refuses new clients. Scale the relay out or raise the limit.",
                            runbook_url: link("RelayConnectionsNearLimit"),
                        },
                    ),
                ],
            },
            quiet: [
                {
                    title: "one connection below the threshold",
                    series: [s("relay_connections_active", { ...relay, pod: "relay-2" }, `${nearLimit - 1}x15`)],
                    at: "12m",
                },
                {
                    title: "at the limit for 5 minutes only",
                    series: [s("relay_connections_active", { ...relay, pod: "relay-2" }, `0x7 ${f.maxConnections}x5`)],
                    at: "12m",
                },
            ],
        },
        {
            alert: "RelayRateLimiting",
            fires: {
                title: "two refusals a second for 15 minutes",
                series: [
                    s(
                        "relay_rate_limited_total",
                        { ...relay, pod: "relay-0" },
                        `0+${120 * t.relayRateLimitedPerSecond}x20`,
                    ),
                ],
                at: "18m",
                alerts: [
                    fired(
                        { severity: "warning", namespace: f.ns },
                        {
                            summary: `The relay refuses ${2 * t.relayRateLimitedPerSecond} requests/s for their client's rate limit`,
                            description:
                                `The relays in ${f.ns} have refused more than ${t.relayRateLimitedPerSecond} requests per second ` +
                                "for exceeding limits.rateLimitPerClientPerMinute, for 10 minutes: a client is misbehaving or " +
                                "the limit is too low for real traffic.",
                            runbook_url: link("RelayRateLimiting"),
                        },
                    ),
                ],
            },
            quiet: [
                {
                    title: "half the threshold",
                    series: [
                        s(
                            "relay_rate_limited_total",
                            { ...relay, pod: "relay-0" },
                            `0+${30 * t.relayRateLimitedPerSecond}x20`,
                        ),
                    ],
                    at: "18m",
                },
            ],
        },
        {
            alert: "RelayRejectingMessages",
            fires: {
                title: "two rejections a second over two pods",
                series: ["relay-0", "relay-1"].map((pod) =>
                    s(
                        "relay_messages_rejected_total",
                        { ...relay, pod, reason: "too_large" },
                        `0+${60 * t.relayRejectedPerSecond}x20`,
                    ),
                ),
                at: "18m",
                alerts: [
                    fired(
                        { severity: "warning", namespace: f.ns },
                        {
                            summary: `The relay rejects ${2 * t.relayRejectedPerSecond} messages/s`,
                            description:
                                `The relays in ${f.ns} have rejected more than ${t.relayRejectedPerSecond} messages per second ` +
                                "(too large, malformed or expired) for 10 minutes: a client release or the " +
                                "limits.maxMessageBytes setting is likely wrong.",
                            runbook_url: link("RelayRejectingMessages"),
                        },
                    ),
                ],
            },
            quiet: [
                {
                    title: "rejections in another namespace",
                    series: [
                        s("relay_messages_rejected_total", { ...elsewhere, job: "relay", pod: "relay-0" }, "0+600x20"),
                    ],
                    at: "18m",
                },
            ],
        },
        {
            alert: "ApiHighErrorRatio",
            fires: {
                title: "a fifth of the requests fail",
                series: [
                    s("http_requests_total", { ...api, pod: "messaging-api-7c9-abcde", status: "200" }, "0+80x15"),
                    s("http_requests_total", { ...api, pod: "messaging-api-7c9-abcde", status: "503" }, "0+20x15"),
                ],
                at: "12m",
                alerts: [
                    fired(
                        { severity: f.page, namespace: f.ns },
                        {
                            summary: "20% of API requests fail",
                            description:
                                `More than ${Math.round(t.apiErrorRatio * 100)}% of the messaging API's requests in ${f.ns} ` +
                                "have been answered with a 5xx for 5 minutes.",
                            runbook_url: link("ApiHighErrorRatio"),
                        },
                    ),
                ],
            },
            quiet: [
                {
                    title: "1 % 5xx and many 4xx",
                    series: [
                        s("http_requests_total", { ...api, pod: "messaging-api-7c9-abcde", status: "200" }, "0+60x15"),
                        s("http_requests_total", { ...api, pod: "messaging-api-7c9-abcde", status: "404" }, "0+39x15"),
                        s("http_requests_total", { ...api, pod: "messaging-api-7c9-abcde", status: "500" }, "0+1x15"),
                    ],
                    at: "12m",
                },
            ],
        },
        {
            alert: "ApiHighLatency",
            fires: {
                title: "every request takes 2.5 to 5 s",
                series: histogram("http_request_duration_seconds", api, 5, 20),
                at: "18m",
                alerts: [
                    fired(
                        { severity: "warning", namespace: f.ns },
                        {
                            summary: "P99 API request duration is 4.975s",
                            description:
                                `The messaging API's 99th-percentile request duration in ${f.ns} has been above ` +
                                `${t.apiLatencySeconds}s for 10 minutes.`,
                            runbook_url: link("ApiHighLatency"),
                        },
                    ),
                ],
            },
            quiet: [
                {
                    title: "requests under 100 ms",
                    series: histogram("http_request_duration_seconds", api, 0.1, 20),
                    at: "18m",
                },
            ],
        },
        {
            alert: "WebSocketConnectionsDropped",
            fires: {
                title: "40 connections, then none for 10 minutes",
                series: [s("websocket_connections_active", { ...api, pod: "messaging-api-7c9-abcde" }, "40x20 0x10")],
                at: "30m",
                alerts: [
                    fired(
                        { severity: f.page, namespace: f.ns },
                        {
                            summary: "Every WebSocket client of the API is gone",
                            description:
                                `The messaging API in ${f.ns} has had no WebSocket connection for 5 minutes after having ` +
                                "some within the hour: clients cannot reach it (ingress, TLS, DNS) or it drops them.",
                            runbook_url: link("WebSocketConnectionsDropped"),
                        },
                    ),
                ],
            },
            quiet: [
                {
                    title: "an API nobody ever connected to",
                    series: [s("websocket_connections_active", { ...api, pod: "messaging-api-7c9-abcde" }, "0x30")],
                    at: "30m",
                },
                {
                    title: "one pod lost its clients, the other holds some",
                    series: [
                        s("websocket_connections_active", { ...api, pod: "messaging-api-7c9-abcde" }, "40x20 0x10"),
                        s("websocket_connections_active", { ...api, pod: "messaging-api-7c9-fghij" }, "40x30"),
                    ],
                    at: "30m",
                },
            ],
        },
        {
            alert: "KeyGenerationSlow",
            fires: {
                title: "every key takes 2.5 to 5 s",
                series: histogram("key_generation_latency_seconds", { ...kms, provider: "aws-kms" }, 5, 20),
                at: "18m",
                alerts: [
                    fired(
                        { severity: "warning", namespace: f.ns },
                        {
                            summary: "P99 key generation takes 4.975s",
                            description:
                                `The key service's 99th-percentile key generation latency in ${f.ns} has been above ` +
                                `${t.keyGenerationLatencySeconds}s for 10 minutes; relays wait on it when clients register.`,
                            runbook_url: link("KeyGenerationSlow"),
                        },
                    ),
                ],
            },
            quiet: [
                {
                    title: "keys in under half a second",
                    series: histogram("key_generation_latency_seconds", { ...kms, provider: "local" }, 0.5, 20),
                    at: "18m",
                },
            ],
        },
    ];
}

export { s, fired };
