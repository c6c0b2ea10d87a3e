/**
 * FarcasterSync: syncs public social-graph data from a Farcaster hub. It serves nothing but its
 * metrics port (its probes use it too), needs no credentials and no AWS access, so its pods mount
 * no service-account token. One replica: a second syncer would only duplicate the work.
 *
 * When config says `enabled: false` the platform does not create it at all — no Deployment scaled
 * to 0, no ServiceAccount, no Service, no network policy edge — so a disabled sync leaves no
 * objects to secure or audit.
 */
import * as pulumi from "@pulumi/pulumi";
import { NetworkConfig } from "../config";
import { Network, SERVICE_NAMES } from "../network";
import { counter, gauge } from "../k8s/metrics";
import { WorkloadArgs, WorkloadPort } from "../k8s/workload";
import { configuredWorkloadArgs, PlatformService } from "./platformService";

/** What the sync exposes on its metrics port (`/metrics`). */
export const FARCASTER_SYNC_METRICS = {
    messagesSynced: counter("farcaster_sync_messages_total", "Hub messages synced, by message type.", ["type"]),
    errors: counter("farcaster_sync_errors_total", "Sync rounds that failed."),
    lastSuccess: gauge("farcaster_sync_last_success_timestamp_seconds", "Unix time of the last successful sync round."),
} as const;

/** Arguments of {@link FarcasterSync}. */
export interface FarcasterSyncArgs {
    readonly network: Network;
    /** The namespace it runs in. */
    readonly namespace: pulumi.Input<string>;
    /** Its validated config (`services.farcasterSync`). */
    readonly settings: NetworkConfig["services"]["farcasterSync"];
    /** The stack file an operator edits, named in errors. Default `Pulumi.<network>.yaml`. */
    readonly stackFile?: string;
}

/** The sync's only port: metrics. */
export function farcasterSyncPorts(settings: NetworkConfig["services"]["farcasterSync"]): WorkloadPort[] {
    return [{ name: "metrics", containerPort: settings.ports.metrics }];
}

/** The sync's non-secret settings (its ConfigMap). */
export function farcasterSyncSettings(args: Pick<FarcasterSyncArgs, "network" | "settings">): Record<string, string> {
    return {
        NETWORK: args.network,
        FARCASTER_SYNC_ENABLED: String(args.settings.enabled),
        FARCASTER_HUB_URL: args.settings.hubUrl,
        SYNC_INTERVAL_MS: String(args.settings.syncIntervalMs),
        METRICS_PORT: String(args.settings.ports.metrics),
    };
}

/** The sync's Workload arguments: one replica, no role, no secrets. */
export function farcasterSyncWorkloadArgs(args: FarcasterSyncArgs): WorkloadArgs {
    const { settings } = args;
    return {
        // Its only port is metrics, so the probes ask there.
        ...configuredWorkloadArgs(SERVICE_NAMES.farcasterSync, "farcasterSync", args, settings, "metrics"),
        component: "social-graph-sync",
        replicas: 1,
        ports: farcasterSyncPorts(settings),
        settings: farcasterSyncSettings(args),
    };
}

/** The Farcaster hub sync of one network. The platform creates it only when config enables it. */
export class FarcasterSync extends PlatformService {
    constructor(name: string, args: FarcasterSyncArgs, opts?: pulumi.ComponentResourceOptions) {
        const definition = { workload: farcasterSyncWorkloadArgs(args), metrics: FARCASTER_SYNC_METRICS };
        super("messaging:services:FarcasterSync", name, definition, opts);
        this.registerOutputs(this.serviceOutputs());
    }
}
