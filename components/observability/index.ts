/**
 * The platform's observability for one network: which services Prometheus scrapes, the alert groups
 * and the dashboards, from the validated config and the services as the platform created them. The
 * k8s block (PlatformMonitoring) turns them into ServiceMonitors, a PrometheusRule and dashboard
 * ConfigMaps.
 *
 * The seam for new services: {@link monitoringArgs} takes the list of scrape targets. A service
 * built on PlatformService hands its `scrapeTarget`; anything else (devnet's chain stack, say)
 * builds a {@link ScrapeTarget} of its own. Every target gets its ServiceMonitor, the network policy
 * for its metrics port (trafficMatrix.ts), the crash-loop and scrape alerts, and the volume alert
 * for its claims; service-specific alerts and panels are added where the service is known.
 */
import * as pulumi from "@pulumi/pulumi";
import { NetworkConfig } from "../config";
import { AlertGroup } from "../k8s/alertRules";
import { PlatformMonitoring, PlatformMonitoringArgs, ScrapeTarget } from "../k8s/monitoring";
import { SERVICE_NAMES } from "../network";
import { messagingOverview } from "./overviewDashboard";
import { kmsOperations, relayPerformance } from "./serviceDashboards";
import { backupAlerts, BackupWatch, volumeAlerts, workloadAlerts } from "./platformAlerts";
import { scheduleMaxGapSeconds } from "./promql";
import { AlertScope, apiAlerts, kmsAlerts, relayAlerts } from "./serviceAlerts";

export { ScrapeTarget } from "../k8s/monitoring";

/** The config observability reads. */
export type ObservabilityConfig = Pick<NetworkConfig, "network" | "namespace" | "monitoring" | "services" | "backups">;

/** What the platform runs that monitoring watches. */
export interface ObservedPlatform {
    /** Every service Prometheus scrapes, in order; a new service adds its target here. */
    readonly targets: readonly ScrapeTarget[];
    /** Each backed-up store's backup CronJob. */
    readonly backups: readonly { readonly store: string; readonly cronJob: string }[];
}

/** What every alert and panel of the network is scoped to. */
export function alertScope(config: ObservabilityConfig): AlertScope {
    return {
        network: config.network,
        namespace: config.namespace.name,
        runbookUrl: config.monitoring.runbookUrl,
        thresholds: config.monitoring.alerts,
    };
}

/** How late the backups may be: the schedule's longest gap, a run's deadline, a start's deadline. */
export function backupWatch(config: ObservabilityConfig, platform: ObservedPlatform): BackupWatch {
    return {
        jobs: platform.backups,
        intervalSeconds: scheduleMaxGapSeconds(config.backups.schedule),
        runSeconds: config.backups.activeDeadlineSeconds,
        startSeconds: config.backups.startingDeadlineSeconds,
    };
}

/** The network's alert groups: one per known service present, then backups, workloads and volumes. */
export function platformAlertGroups(
    config: ObservabilityConfig,
    platform: ObservedPlatform,
    watch: BackupWatch = backupWatch(config, platform),
): AlertGroup[] {
    const scope = alertScope(config);
    const target = (service: string) => platform.targets.find((t) => t.service === service);
    const relay = target(SERVICE_NAMES.relay);
    const api = target(SERVICE_NAMES.messagingApi);
    const kms = target(SERVICE_NAMES.kmsService);
    const volumes = volumeAlerts(scope, platform.targets);
    return [
        ...(relay ? [relayAlerts(scope, relay, config.services.relay.limits.maxConnections)] : []),
        ...(api ? [apiAlerts(scope, api)] : []),
        ...(kms ? [kmsAlerts(scope, kms)] : []),
        ...(platform.backups.length > 0 ? [backupAlerts(scope, watch)] : []),
        workloadAlerts(scope, platform.targets),
        ...(volumes ? [volumes] : []),
    ];
}

/** The PlatformMonitoring arguments of the network. */
export function monitoringArgs(
    config: ObservabilityConfig,
    namespace: pulumi.Input<string>,
    platform: ObservedPlatform,
): PlatformMonitoringArgs {
    const scope = alertScope(config);
    const target = (service: string) => platform.targets.find((t) => t.service === service);
    const [relay, messagingApi, kmsService, objectStore] = [
        SERVICE_NAMES.relay,
        SERVICE_NAMES.messagingApi,
        SERVICE_NAMES.kmsService,
        SERVICE_NAMES.objectStore,
    ].map(target);
    const maxConnections = config.services.relay.limits.maxConnections;
    const watch = backupWatch(config, platform);
    const dashboards = [
        ...(relay && messagingApi && objectStore
            ? [messagingOverview(scope, { relay, messagingApi, objectStore }, watch)]
            : []),
        ...(relay ? [relayPerformance(scope, relay, maxConnections)] : []),
        ...(kmsService ? [kmsOperations(scope, kmsService)] : []),
    ];
    const { monitoring } = config;
    return {
        network: config.network,
        namespace,
        targets: platform.targets,
        scrapeInterval: monitoring.scrapeInterval,
        scrapeTimeout: monitoring.scrapeTimeout,
        serviceMonitorLabels: monitoring.serviceMonitorSelector,
        ruleLabels: monitoring.ruleSelector,
        alertGroups: platformAlertGroups(config, platform, watch),
        dashboards,
        dashboardLabel: monitoring.grafanaDashboardLabel,
    };
}

/** What {@link platformMonitoring} is built from. */
export interface PlatformMonitoringInputs {
    readonly config: ObservabilityConfig;
    /** The network's namespace (the Namespace's name output). */
    readonly namespace: pulumi.Input<string>;
    /** Every service Prometheus scrapes: a new service adds its target here. */
    readonly targets: readonly ScrapeTarget[];
    /** Each store's backup CronJob (its pods' `app.kubernetes.io/name` is the CronJob's name). */
    readonly backups: readonly {
        readonly store: string;
        readonly backup: { readonly selector: Readonly<Record<string, string>> };
    }[];
}

/**
 * The network's PlatformMonitoring when `monitoring.enabled`; with monitoring off nothing at all
 * (no ServiceMonitor, rule or dashboard, and the traffic matrix opens no metrics port).
 */
export function platformMonitoring(
    name: string,
    inputs: PlatformMonitoringInputs,
    opts: pulumi.ComponentResourceOptions,
): PlatformMonitoring | undefined {
    if (!inputs.config.monitoring.enabled) return undefined;
    const backups = inputs.backups.map((b) => ({
        store: b.store,
        cronJob: b.backup.selector["app.kubernetes.io/name"],
    }));
    const args = monitoringArgs(inputs.config, inputs.namespace, { targets: inputs.targets, backups });
    return new PlatformMonitoring(name, args, opts);
}
