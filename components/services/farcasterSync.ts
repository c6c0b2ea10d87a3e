/**
 * FarcasterSync: syncs public social-graph data from a Farcaster hub. It serves nothing but its
 * metrics port (its probes use it too), needs no credentials and no AWS access, so its pods mount
 * no service-account token. One replica: a second syncer would only duplicate the work.
 *
 * When config says `enabled: false` the component creates nothing at all — no Deployment scaled
 * to 0, no ServiceAccount, no Service — so a disabled sync leaves no objects to secure or audit.
 * Its outputs still say which labels and ports it would use, and `enabled` tells the network
 * policy builder to skip its rules.
 */
import * as pulumi from "@pulumi/pulumi";
import { NetworkConfig } from "../config";
import { Network } from "../network";
import { selectorLabels, SERVICE_NAMES } from "../network";
import { assertWorkloadArgs, portsByName, Workload, WorkloadArgs, WorkloadPort } from "../k8s/workload";
import { configuredWorkloadArgs } from "./configuredWorkload";

/** Arguments of {@link FarcasterSync}. */
export interface FarcasterSyncArgs {
    readonly network: Network;
    /** The namespace it runs in. */
    readonly namespace: pulumi.Input<string>;
    /** Its validated config (`services.farcasterSync`); `enabled: false` creates nothing. */
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
        replicas: 1,
        ports: farcasterSyncPorts(settings),
        settings: farcasterSyncSettings(args),
    };
}

/** The Farcaster hub sync of one network (nothing when disabled). */
export class FarcasterSync extends pulumi.ComponentResource {
    /** Whether the sync runs; false means the component created nothing. */
    public readonly enabled: boolean;
    /** The labels that select its pods. */
    public readonly selector: Readonly<Record<string, string>>;
    /** Container ports by name: `metrics`. */
    public readonly ports: Readonly<Record<string, number>>;
    /** Its ClusterIP Service name; undefined when disabled. */
    public readonly serviceName: pulumi.Output<string> | undefined;
    /** Its ServiceAccount name (no IRSA role, no token); undefined when disabled. */
    public readonly serviceAccountName: pulumi.Output<string> | undefined;
    /** Undefined when disabled. */
    public readonly workload: Workload | undefined;

    constructor(name: string, args: FarcasterSyncArgs, opts?: pulumi.ComponentResourceOptions) {
        const workloadArgs = farcasterSyncWorkloadArgs(args);
        if (args.settings.enabled) assertWorkloadArgs(`${name}-workload`, workloadArgs);
        super("messaging:services:FarcasterSync", name, {}, opts);
        this.enabled = args.settings.enabled;
        this.selector = selectorLabels(SERVICE_NAMES.farcasterSync, args.network);
        this.ports = portsByName(workloadArgs.ports);
        this.workload = this.enabled ? new Workload(`${name}-workload`, workloadArgs, { parent: this }) : undefined;
        this.serviceName = this.workload?.serviceName;
        this.serviceAccountName = this.workload?.serviceAccountName;
        this.registerOutputs({
            enabled: this.enabled,
            selector: this.selector,
            ports: this.ports,
            serviceName: this.serviceName,
            serviceAccountName: this.serviceAccountName,
        });
    }
}
