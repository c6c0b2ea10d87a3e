/**
 * What every platform service's Workload shares: identity, image, resources and the three HTTP
 * probes from its validated config, and the config path its problems are reported against.
 */
import * as pulumi from "@pulumi/pulumi";
import { Network } from "../network";
import { WorkloadArgs } from "../k8s/workload";

/** The slice of a service's validated config every Workload is built from. */
export interface ServiceSettings {
    readonly image: string;
    readonly resources: WorkloadArgs["resources"];
    readonly probes: { readonly health: string; readonly ready: string };
}

/** Where a service runs and which config key describes it. */
export interface ServicePlacement {
    readonly network: Network;
    readonly namespace: pulumi.Input<string>;
    /** The stack file named in errors. Default `Pulumi.<network>.yaml`. */
    readonly stackFile?: string;
}

/**
 * The common Workload arguments of a service: startup and liveness probe its health path,
 * readiness its ready path, all on `probePort`; problems name `messaging-infra:services.<configKey>`.
 */
export function configuredWorkloadArgs(
    service: string,
    configKey: string,
    placement: ServicePlacement,
    settings: ServiceSettings,
    probePort: string,
): Pick<WorkloadArgs, "service" | "network" | "namespace" | "image" | "resources" | "probes" | "configSource"> {
    return {
        service,
        network: placement.network,
        namespace: placement.namespace,
        image: settings.image,
        resources: settings.resources,
        probes: {
            port: probePort,
            startup: { path: settings.probes.health },
            readiness: { path: settings.probes.ready },
            liveness: { path: settings.probes.health },
        },
        configSource: `${placement.stackFile ?? `Pulumi.${placement.network}.yaml`} (messaging-infra:services.${configKey})`,
    };
}
