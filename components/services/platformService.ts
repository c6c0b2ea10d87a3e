/**
 * The one way a platform service is built: it describes its Workload arguments and its credentials
 * once (a {@link ServiceDefinition}); {@link PlatformService} checks them once, before anything
 * registers, then creates the service's Kubernetes Secret and its Workload. Every service component
 * extends it and adds only what is its own (settings, ports, URLs).
 */
import * as pulumi from "@pulumi/pulumi";
import { ArgumentProblem } from "../errors";
import { ClusterSecret, ClusterSecretArgs, clusterSecretName, clusterSecretProblems } from "../k8s/clusterSecret";
import { MetricCatalog } from "../k8s/metrics";
import { distinctLiveness } from "../k8s/podParts";
import { ScrapeTarget } from "../k8s/monitoring";
import {
    checkWorkloadArgs,
    ProbeTimings,
    SecretKeyRef,
    withSecretNames,
    Workload,
    WorkloadArgs,
    WorkloadProbes,
} from "../k8s/workload";
import { Network, PROJECT } from "../network";

/** The slice of a service's validated config every Workload is built from. */
export interface ServiceSettings {
    readonly image: string;
    readonly resources: WorkloadArgs["resources"];
    readonly probes: { readonly health: string; readonly ready: string };
}

/** Where a service runs and which stack file describes it. */
export interface ServicePlacement {
    readonly network: Network;
    readonly namespace: pulumi.Input<string>;
    /** The stack file named in errors. Default `Pulumi.<network>.yaml`. */
    readonly stackFile?: string;
}

/**
 * Who a service is and where its config lives: name, network, namespace, image, resources, and the
 * config path its problems name (`messaging-infra:services.<configKey>` in the stack file).
 */
export function serviceIdentity(
    service: string,
    configKey: string,
    placement: ServicePlacement,
    settings: Pick<ServiceSettings, "image" | "resources">,
): Pick<WorkloadArgs, "service" | "network" | "namespace" | "image" | "resources" | "configSource"> {
    return {
        service,
        network: placement.network,
        namespace: placement.namespace,
        image: settings.image,
        resources: settings.resources,
        configSource: `${placement.stackFile ?? `Pulumi.${placement.network}.yaml`} (${PROJECT}:services.${configKey})`,
    };
}

/**
 * A service's three probes, all on `port`: startup on its health path, readiness on its ready path,
 * and liveness on its health path or, when the service has only one path (health = ready), a TCP
 * connect ({@link distinctLiveness}), each with its timings when given.
 */
export function serviceProbes(
    port: string,
    paths: { readonly health: string; readonly ready: string },
    timings: Partial<Record<"startup" | "readiness" | "liveness", ProbeTimings>> = {},
): WorkloadProbes {
    return {
        port,
        startup: { path: paths.health, ...timings.startup },
        readiness: { path: paths.ready, ...timings.readiness },
        liveness: distinctLiveness(paths.health, paths.ready, timings.liveness),
    };
}

/** The common Workload arguments of a service ({@link serviceIdentity}) with its {@link serviceProbes} on `probePort`. */
export function configuredWorkloadArgs(
    service: string,
    configKey: string,
    placement: ServicePlacement,
    settings: ServiceSettings,
    probePort: string,
): Pick<WorkloadArgs, "service" | "network" | "namespace" | "image" | "resources" | "probes" | "configSource"> {
    return {
        ...serviceIdentity(service, configKey, placement, settings),
        probes: serviceProbes(probePort, settings.probes),
    };
}

/** A `secretKeyRef` to one key of a service's own Secret (`<service>-secrets`). */
export function ownSecret(service: string, key: string): SecretKeyRef {
    return { name: clusterSecretName({ service }), key };
}

/** What one platform service is, described once. */
export interface ServiceDefinition {
    /**
     * Its Workload. `secretEnv` refers to keys of `secrets` through {@link ownSecret}; the refs are
     * bound to the created Secret, so the pods depend on it.
     */
    readonly workload: WorkloadArgs;
    /** Its credentials by Secret key, as Pulumi secrets (Secrets Manager values). Default: no Secret. */
    readonly secrets?: Readonly<Record<string, pulumi.Input<string>>>;
    /** The metrics it exposes on its metrics port: dashboards and alerts use only these. */
    readonly metrics: MetricCatalog;
}

/**
 * How Prometheus finds a service: its Service's labels and metrics port, its declared metrics, and
 * its pods' and volume claims' names as the controller makes them (`relay-0`, `data-relay-0` for a
 * StatefulSet; `<name>-<hash>-<suffix>` for a Deployment).
 */
export function scrapeTargetOf(
    workload: Pick<WorkloadArgs, "service" | "kind" | "volumeClaims" | "metrics">,
    selector: Readonly<Record<string, string>>,
    metrics: MetricCatalog,
): ScrapeTarget {
    const statefulSet = workload.kind === "StatefulSet";
    return {
        service: workload.service,
        selector,
        port: workload.metrics?.port ?? "metrics",
        path: workload.metrics?.path ?? "/metrics",
        metrics,
        pods: statefulSet ? `${workload.service}-[0-9]+` : `${workload.service}-[a-z0-9]+-[a-z0-9]+`,
        volumeClaims: statefulSet
            ? (workload.volumeClaims ?? []).map((c) => `${c.name}-${workload.service}-[0-9]+`)
            : [],
    };
}

function secretArgsOf(definition: ServiceDefinition): ClusterSecretArgs | undefined {
    const { workload, secrets } = definition;
    if (secrets === undefined) return undefined;
    return { namespace: workload.namespace, network: workload.network, service: workload.service, values: secrets };
}

/** Problems of the service's Secret, and secret env vars naming keys it does not hold. */
function secretProblems(definition: ServiceDefinition, secretArgs: ClusterSecretArgs | undefined): ArgumentProblem[] {
    const problems = secretArgs
        ? clusterSecretProblems(secretArgs).map((p) => ({ ...p, path: `secrets.${p.path}` }))
        : [];
    const keys = Object.keys(definition.secrets ?? {});
    const expected = clusterSecretName({ service: definition.workload.service });
    const refs = [
        ...(definition.workload.secretEnv ?? []).map((env, i) => [`secretEnv[${i}].secret`, env] as const),
        ...(definition.workload.secretFiles ?? []).map((file, i) => [`secretFiles[${i}].secret`, file] as const),
        ...(definition.workload.initContainers ?? []).flatMap((init, i) =>
            (init.secretEnv ?? []).map((env, j) => [`initContainers[${i}].secretEnv[${j}].secret`, env] as const),
        ),
    ];
    for (const [path, env] of refs) {
        if (env.secret.name === expected && keys.includes(env.secret.key)) continue;
        problems.push({
            path,
            given: JSON.stringify({ name: env.secret.name, key: env.secret.key }),
            allowed: `a key of the service's own Secret ${expected}: ${keys.join(", ") || "(it has none)"}`,
        });
    }
    return problems;
}

/** A platform service: its Kubernetes Secret (when it has credentials) and its Workload. */
export class PlatformService extends pulumi.ComponentResource {
    /** The labels that select its pods (network policies select it by exactly these). */
    public readonly selector: Readonly<Record<string, string>>;
    /** Container ports by name. */
    public readonly ports: Readonly<Record<string, number>>;
    /** The port Prometheus scrapes. */
    public readonly metricsPort: number;
    /** Its ClusterIP Service name. */
    public readonly serviceName: pulumi.Output<string>;
    /** Its ServiceAccount name (an IRSA role trusts it when the service has one). */
    public readonly serviceAccountName: pulumi.Output<string>;
    /** Its Kubernetes Secret, when it has credentials. */
    public readonly secretName: pulumi.Output<string> | undefined;
    /** Whether its pods have an IRSA role, i.e. talk to AWS APIs. */
    public readonly hasAwsRole: boolean;
    /** How Prometheus scrapes it (PlatformMonitoring makes its ServiceMonitor from this). */
    public readonly scrapeTarget: ScrapeTarget;
    public readonly workload: Workload;

    constructor(type: string, name: string, definition: ServiceDefinition, opts?: pulumi.ComponentResourceOptions) {
        // Checked once, before anything registers: the Workload does not check these arguments again.
        const secretArgs = secretArgsOf(definition);
        const workloadName = `${name}-workload`;
        const checked = checkWorkloadArgs(workloadName, definition.workload, secretProblems(definition, secretArgs));
        super(type, name, {}, opts);
        const secret = secretArgs ? new ClusterSecret(`${name}-secrets`, secretArgs, { parent: this }) : undefined;
        const workloadArgs = secret ? withSecretNames(checked, secret.secretName) : checked;
        this.workload = new Workload(workloadName, workloadArgs, { parent: this });
        this.selector = this.workload.selector;
        this.ports = this.workload.ports;
        this.metricsPort = this.workload.metricsPort;
        this.serviceName = this.workload.serviceName;
        this.serviceAccountName = this.workload.serviceAccountName;
        this.hasAwsRole = this.workload.hasAwsRole;
        this.secretName = secret?.secretName;
        this.scrapeTarget = scrapeTargetOf(definition.workload, this.selector, definition.metrics);
    }

    /** The outputs every service registers; a subclass adds its own and calls `registerOutputs` last. */
    protected serviceOutputs(): pulumi.Inputs {
        return {
            selector: this.selector,
            ports: this.ports,
            serviceName: this.serviceName,
            serviceAccountName: this.serviceAccountName,
            ...(this.secretName ? { secretName: this.secretName } : {}),
        };
    }

    /** The in-cluster URL of one of its ports: `http://<service>.<namespace>.svc.cluster.local:<port>`. */
    protected clusterUrl(namespace: pulumi.Input<string>, port: string): pulumi.Output<string> {
        return pulumi.interpolate`http://${this.serviceName}.${namespace}.svc.cluster.local:${this.ports[port]}`;
    }
}
