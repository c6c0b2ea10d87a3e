/**
 * The monitoring config (`messaging-infra:monitoring`): whether the network is monitored, who may
 * scrape it, how often, which labels the Prometheus operator and the Grafana sidecar select by, where
 * the runbook is and the thresholds of the alerts that are not derived from another setting. Every
 * knob has a default that fits kube-prometheus-stack's own defaults.
 */
import { z } from "zod";
import { DURATION_ALLOWED, isLabel, LABEL_ALLOWED, parseDurationSeconds } from "../validators";
import { dnsLabel, labels, refined } from "./fields";

/** A duration from `min` to `max` seconds, as `30s`, `1m` or `1h30m`. */
const duration = (min: string, max: string) => {
    const allowed = `${DURATION_ALLOWED}, from ${min} to ${max}`;
    const [low, high] = [parseDurationSeconds(min) ?? 0, parseDurationSeconds(max) ?? 0];
    return refined(allowed, (value) => {
        const seconds = parseDurationSeconds(value);
        return seconds === undefined || seconds < low || seconds > high ? allowed : undefined;
    });
};

/** Labels an operator's selector matches: valid Kubernetes labels, at least one. */
const selectorLabels = z
    .record(z.string(), z.string({ error: "a label value (a string)" }), { error: "a map of label names to values" })
    .superRefine((map, ctx) => {
        for (const [key, value] of Object.entries(map)) {
            if (!isLabel(key, value))
                ctx.addIssue({ code: "custom", message: LABEL_ALLOWED, path: [key], input: value });
        }
        if (Object.keys(map).length === 0) {
            const message = "at least one label the selector matches, e.g. release: kube-prometheus-stack";
            ctx.addIssue({ code: "custom", message, input: map });
        }
    });

const ratio = (example: string) => {
    const allowed = `a ratio greater than 0 and less than 1, e.g. ${example}`;
    return z.number({ error: allowed }).gt(0, { error: allowed }).lt(1, { error: allowed });
};
const positive = (unit: string, example: string) => {
    const allowed = `a positive number of ${unit}, e.g. ${example}`;
    return z.number({ error: allowed }).gt(0, { error: allowed });
};

/** The alert thresholds, each with its default. The relay's connection limit and the backups' age are derived. */
export const ALERT_THRESHOLD_DEFAULTS = {
    /** HighMessageLatency: P99 message delivery latency of the relay, in seconds. */
    messageLatencySeconds: 5,
    /** ApiHighErrorRatio: the share of API requests answered with a 5xx. */
    apiErrorRatio: 0.05,
    /** ApiHighLatency: P99 API request duration, in seconds. */
    apiLatencySeconds: 1,
    /** RelayConnectionsNearLimit: the share of the relay's `limits.maxConnections` one node may hold. */
    relayConnectionsRatio: 0.9,
    /** RelayRateLimiting: requests the relay refuses for their client's rate limit, per second. */
    relayRateLimitedPerSecond: 1,
    /** RelayRejectingMessages: messages the relay rejects (too large, malformed, ...), per second. */
    relayRejectedPerSecond: 1,
    /** KeyGenerationSlow: P99 key generation latency of the key service, in seconds. */
    keyGenerationLatencySeconds: 1,
    /** PersistentVolumeFillingUp: the share of a volume in use. */
    volumeUsageRatio: 0.85,
} as const;

const alertsSchema = z.strictObject({
    messageLatencySeconds: positive("seconds", "5").default(ALERT_THRESHOLD_DEFAULTS.messageLatencySeconds),
    apiErrorRatio: ratio("0.05").default(ALERT_THRESHOLD_DEFAULTS.apiErrorRatio),
    apiLatencySeconds: positive("seconds", "1").default(ALERT_THRESHOLD_DEFAULTS.apiLatencySeconds),
    relayConnectionsRatio: ratio("0.9").default(ALERT_THRESHOLD_DEFAULTS.relayConnectionsRatio),
    relayRateLimitedPerSecond: positive("requests per second", "1").default(
        ALERT_THRESHOLD_DEFAULTS.relayRateLimitedPerSecond,
    ),
    relayRejectedPerSecond: positive("messages per second", "1").default(
        ALERT_THRESHOLD_DEFAULTS.relayRejectedPerSecond,
    ),
    keyGenerationLatencySeconds: positive("seconds", "1").default(ALERT_THRESHOLD_DEFAULTS.keyGenerationLatencySeconds),
    volumeUsageRatio: ratio("0.85").default(ALERT_THRESHOLD_DEFAULTS.volumeUsageRatio),
});

/** Where the runbook is when the stack file does not say: its path in this repository. */
export const DEFAULT_RUNBOOK_URL = "docs/runbook.md";
const runbookUrl = refined(
    `an http(s) URL of docs/runbook.md as your git host serves it, or ${DEFAULT_RUNBOOK_URL}`,
    (value) => {
        if (value === DEFAULT_RUNBOOK_URL) return undefined;
        const ok = /^https?:\/\/[^/\s#?]+\/[^\s#?]*$/.test(value);
        return ok
            ? undefined
            : `an http(s) URL of docs/runbook.md as your git host serves it (no #fragment), or ${DEFAULT_RUNBOOK_URL}`;
    },
);

/** kube-prometheus-stack's operator selects ServiceMonitors and PrometheusRules by its release label. */
const OPERATOR_SELECTOR = { release: "kube-prometheus-stack" };

/** `messaging-infra:monitoring`. */
export const monitoringSchema = z
    .strictObject({
        /** false: no ServiceMonitor, PrometheusRule, dashboard or scrape network policy at all. */
        enabled: z.boolean({ error: "true or false" }),
        /** Where Prometheus and Grafana run (informational; the policies select it by `namespaceLabels`). */
        namespace: dnsLabel,
        /** The labels of the monitoring namespace: its pods may scrape every metrics port. */
        namespaceLabels: labels,
        scrapeInterval: duration("5s", "10m").default("30s"),
        /** Shorter than `scrapeInterval`. */
        scrapeTimeout: duration("1s", "10m").default("10s"),
        /** Labels on every ServiceMonitor, for the Prometheus's `serviceMonitorSelector`. */
        serviceMonitorSelector: selectorLabels.default(OPERATOR_SELECTOR),
        /** Labels on the PrometheusRule, for the Prometheus's `ruleSelector`. */
        ruleSelector: selectorLabels.default(OPERATOR_SELECTOR),
        /** The label the Grafana dashboard sidecar watches ConfigMaps for. */
        grafanaDashboardLabel: z
            .strictObject({
                name: refined(LABEL_ALLOWED, (v) => (isLabel(v, "") ? undefined : LABEL_ALLOWED)),
                value: refined(LABEL_ALLOWED, (v) => (isLabel("x", v) ? undefined : LABEL_ALLOWED)),
            })
            .default({ name: "grafana_dashboard", value: "1" }),
        /** Every alert's `runbook_url` is this plus `#<alert name, lower-case>`. */
        runbookUrl: runbookUrl.default(DEFAULT_RUNBOOK_URL),
        alerts: alertsSchema.default(ALERT_THRESHOLD_DEFAULTS),
    })
    .superRefine((monitoring, ctx) => {
        // Only two valid durations are compared: a bad one is reported on its own.
        const interval = parseDurationSeconds(monitoring.scrapeInterval);
        const timeout = parseDurationSeconds(monitoring.scrapeTimeout);
        if (interval === undefined || timeout === undefined || interval < 5 || interval > 600) return;
        if (timeout >= interval) {
            const message = `a duration shorter than monitoring.scrapeInterval (${monitoring.scrapeInterval})`;
            ctx.addIssue({ code: "custom", message, path: ["scrapeTimeout"], input: monitoring.scrapeTimeout });
        }
    });

/** The validated monitoring config. */
export type MonitoringConfig = z.output<typeof monitoringSchema>;
