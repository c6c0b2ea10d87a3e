/**
 * The arguments of a Workload (see workload.ts), their documented defaults, and the constants the
 * pod spec is built with. Checks live in workloadChecks.ts, the pure spec builders in
 * workloadSpec.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import { Network } from "../network";

/** The user and group id pods run as unless `runAsId` says otherwise (non-zero, outside system ranges). */
export const DEFAULT_RUN_AS_ID = 10001;
/** Seconds a pod gets between SIGTERM and SIGKILL unless `terminationGracePeriodSeconds` says otherwise. */
export const DEFAULT_TERMINATION_GRACE_SECONDS = 30;
/** Directories the container may write to unless `writablePaths` says otherwise. */
export const DEFAULT_WRITABLE_PATHS: readonly string[] = ["/tmp"];
/** Size limit of each writable emptyDir unless `writableSizeLimit` says otherwise. */
export const DEFAULT_WRITABLE_SIZE_LIMIT = "256Mi";
/** The annotation IRSA's pod identity webhook reads. */
export const IRSA_ROLE_ANNOTATION = "eks.amazonaws.com/role-arn";
/** The label only a StatefulSet's headless Service carries, so a ServiceMonitor can leave it out. */
export const HEADLESS_SERVICE_LABEL = "messaging-infra/headless-service";
/** The node label replicas spread across zones by. */
export const ZONE_TOPOLOGY_KEY = "topology.kubernetes.io/zone";
/** The node label replicas spread across nodes by. */
export const HOSTNAME_TOPOLOGY_KEY = "kubernetes.io/hostname";

/** Timings of one probe; each falls back to {@link DEFAULT_PROBE_TIMINGS} for its kind. */
export interface ProbeTimings {
    /** Seconds before the first check (0 to 3600). */
    readonly initialDelaySeconds?: number;
    /** Seconds between checks (1 to 3600). */
    readonly periodSeconds?: number;
    /** Seconds one check may take (1 to 3600). */
    readonly timeoutSeconds?: number;
    /** Consecutive failures that count as failed (1 to 3600). */
    readonly failureThreshold?: number;
}

/**
 * Default probe timings. Startup gates the others and allows two minutes to boot (24 x 5 s), so
 * liveness never kills a slow starter; readiness reacts within 30 s; liveness restarts a hung
 * container after about 45 s.
 */
export const DEFAULT_PROBE_TIMINGS: Readonly<Record<"startup" | "readiness" | "liveness", Required<ProbeTimings>>> = {
    startup: { initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 24 },
    readiness: { initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 },
    liveness: { initialDelaySeconds: 0, periodSeconds: 15, timeoutSeconds: 3, failureThreshold: 3 },
};

/** One HTTP GET probe. */
export interface HttpProbe extends ProbeTimings {
    /** The HTTP path; must start with `/`. */
    readonly path: string;
    /** The name of the container port it calls. Default: the probes' `port`. */
    readonly port?: string;
}

/** One TCP probe: the kubelet only opens a connection, for a server without an HTTP health path. */
export interface TcpProbe extends ProbeTimings {
    readonly tcp: true;
    /** The name of the container port it connects to. Default: the probes' `port`. */
    readonly port?: string;
}

/** The container's three probes, each an HTTP GET or a TCP connect. */
export interface WorkloadProbes {
    /** The named container port the probes call unless a probe names its own. */
    readonly port: string;
    /** Gates readiness and liveness until the app has started. */
    readonly startup: HttpProbe | TcpProbe;
    /** Takes the pod out of the Service while it cannot serve. */
    readonly readiness: HttpProbe | TcpProbe;
    /** Restarts a hung container. */
    readonly liveness: HttpProbe | TcpProbe;
}

/** One named container port; every port is also a port of the Service. */
export interface WorkloadPort {
    /** An IANA service name (lower-case, at most 15 characters), e.g. `http`, `ws`, `metrics`. */
    readonly name: string;
    readonly containerPort: number;
    /** Default `TCP`. */
    readonly protocol?: "TCP" | "UDP";
}

/**
 * Container requests and limits, as Kubernetes quantities. `ephemeralStorage` (the container's logs,
 * writable layer and the pod's disk-backed emptyDirs) defaults to a 64Mi request and a limit of the
 * emptyDir sizeLimits the container writes to plus 128Mi for logs (see containerSettings.ts).
 */
export interface WorkloadResources {
    /** What the scheduler reserves. */
    readonly requests: { readonly cpu: string; readonly memory: string; readonly ephemeralStorage?: string };
    /** The most the container may use; each at least its request. */
    readonly limits: { readonly cpu: string; readonly memory: string; readonly ephemeralStorage?: string };
}

/** HPA bounds: an autoscaling/v2 HPA on CPU utilisation and, when given, memory utilisation. */
export interface WorkloadAutoscaling {
    readonly minReplicas: number;
    readonly maxReplicas: number;
    /** Average CPU utilisation (percent of requests) the HPA aims for. Default 70. */
    readonly targetCpuUtilization?: number;
    /** Average memory utilisation (percent of requests) the HPA aims for. Default: no memory metric. */
    readonly targetMemoryUtilization?: number;
}

/**
 * A container that runs to completion before the service starts (e.g. database migrations). It
 * runs the workload's image with the same hardened security context and its own resources, and
 * reads secrets only through `secretKeyRef`s.
 */
export interface WorkloadInitContainer {
    /** A DNS-1123 label, unique in the pod. */
    readonly name: string;
    /** The entrypoint; Kubernetes expands `$(VAR)` from the container's env, so a secret never enters the spec. */
    readonly command: readonly string[];
    /** Default: none. */
    readonly args?: readonly string[];
    /** Its own requests and limits (required: there is no unbounded default). */
    readonly resources: WorkloadResources;
    /** Its secret environment variables. Default: none. */
    readonly secretEnv?: readonly SecretEnv[];
}

/** A reference to one key of a Kubernetes Secret (see ClusterSecret's `ref`). */
export interface SecretKeyRef {
    readonly name: pulumi.Input<string>;
    readonly key: string;
}

/** A secret environment variable: always a `secretKeyRef`, never a value. */
export interface SecretEnv {
    readonly envName: string;
    readonly secret: SecretKeyRef;
}

/** One key of a Secret as a read-only file (a key file a server reads from disk). */
export interface SecretFile {
    /** The file's absolute path; its directory is the mount, one secret file per directory. */
    readonly path: string;
    readonly secret: SecretKeyRef;
}

/** A persistent volume per StatefulSet pod. */
export interface WorkloadVolumeClaim {
    /** The claim template's name (a DNS-1123 label); also the volume name. */
    readonly name: string;
    readonly mountPath: string;
    /** A storage quantity such as 10Gi. */
    readonly size: string;
    /** Default: the cluster's default storage class. */
    readonly storageClassName?: string;
}

/** Where the monitoring namespace scrapes metrics. */
export interface WorkloadMetrics {
    /** The name of the container port serving metrics. Default `metrics`. */
    readonly port?: string;
    /** Default `/metrics`. */
    readonly path?: string;
}

/** The service account an IRSA role trusts, exactly (namespace and name). */
export interface TrustedServiceAccount {
    readonly namespace: string;
    readonly name: string;
}

/**
 * An IRSA role as a workload binds to it: its ARN for the ServiceAccount's annotation and the
 * service account its trust names. Passing the role itself pairs the two by reference, so the
 * ServiceAccount's name can never drift from the role's trust.
 */
export interface IrsaBinding {
    readonly arn: pulumi.Input<string>;
    readonly serviceAccount: TrustedServiceAccount;
}

/** The kinds of pod controller a Workload can be. */
export type WorkloadKind = "Deployment" | "StatefulSet";

/** Arguments of {@link Workload}. */
export interface WorkloadArgs {
    /**
     * The service's name (a DNS-1123 label). It is `app.kubernetes.io/name` and the name of the
     * Deployment/StatefulSet, ServiceAccount, Service, PDB and HPA, and of the container.
     */
    readonly service: string;
    /** The network; it is `app.kubernetes.io/instance`. */
    readonly network: Network;
    /** The namespace every object lives in. */
    readonly namespace: pulumi.Input<string>;
    /** Optional `app.kubernetes.io/component` label. Default: none. */
    readonly component?: string;
    /** Default `Deployment`. */
    readonly kind?: WorkloadKind;
    /** An image pinned to a version tag or a sha256 digest. */
    readonly image: string;
    /** Overrides the image's entrypoint. Default: the image's. */
    readonly command?: readonly string[];
    /** Overrides the image's arguments. Default: the image's. */
    readonly containerArgs?: readonly string[];
    /**
     * Pods to run (>= 1). With `autoscaling` the HPA owns the count and the Deployment carries no
     * `spec.replicas` (the Kubernetes-documented way: otherwise every apply fights the HPA over
     * the field); it must then lie within the HPA's bounds.
     */
    readonly replicas: number;
    /** Creates an autoscaling/v2 HPA on CPU. Default: none. */
    readonly autoscaling?: WorkloadAutoscaling;
    /** Requests and limits of the container (required: there is no unbounded default). */
    readonly resources: WorkloadResources;
    /** Named container ports; one of them serves metrics (see `metrics`). */
    readonly ports: readonly WorkloadPort[];
    /** Startup, readiness and liveness probes (required: every pod is probed). */
    readonly probes: WorkloadProbes;
    /** Default `{ port: "metrics", path: "/metrics" }`; the port must be one of `ports`. */
    readonly metrics?: WorkloadMetrics;
    /**
     * Non-secret settings: environment variable names (upper-case) to values. They live in the
     * immutable ConfigMap and reach the container as `configMapKeyRef`s. Names that look secret
     * (PASSWORD, SECRET, TOKEN, PRIVATE, CREDENTIAL, API_KEY, ...) are rejected: use `secretEnv`.
     * Default: none (no ConfigMap).
     */
    readonly settings?: Readonly<Record<string, pulumi.Input<string>>>;
    /** Secret environment variables, each a `secretKeyRef`. Default: none. */
    readonly secretEnv?: readonly SecretEnv[];
    /** Secret keys mounted as read-only files (mode 0400). Default: none. */
    readonly secretFiles?: readonly SecretFile[];
    /**
     * The IRSA role the pods assume (an `IrsaRole` fits). The ServiceAccount takes its name from
     * the service account the role trusts, carries `eks.amazonaws.com/role-arn`, and the
     * service-account token is mounted; without a role no token is mounted at all. Default: none.
     */
    readonly role?: IrsaBinding;
    /** Containers that run to completion, in order, before the service container starts. Default: none. */
    readonly initContainers?: readonly WorkloadInitContainer[];
    /**
     * Pods that must stay up during voluntary disruptions (the PDB's `minAvailable`), below the
     * fewest pods the workload runs. Default: the PDB allows one pod down at a time (`maxUnavailable: 1`).
     */
    readonly minAvailable?: number;
    /**
     * Pods a voluntary disruption may take at once (the PDB's `maxUnavailable`). Given, the workload
     * gets a PDB whatever its replica count: 0 for a single writer (a drain waits until an operator
     * moves the pod on purpose), 1 for a workload that autoscales up from one. Not with
     * `minAvailable`. Default: a PDB only from two pods, per `minAvailable`.
     */
    readonly maxUnavailable?: number;
    /**
     * Client-IP session affinity on the Service, for this many seconds (1 to 86400): a client keeps
     * reaching the same pod (WebSocket reconnects, per-replica stores). Default: none.
     */
    readonly clientIpAffinitySeconds?: number;
    /**
     * StatefulSet only: `Parallel` starts and stops pods together (replicas that do not depend on
     * each other), `OrderedReady` one ordinal at a time. Default `OrderedReady`.
     */
    readonly podManagementPolicy?: "OrderedReady" | "Parallel";
    /**
     * StatefulSet only: the rolling update's partition. Pods with an ordinal >= partition move to a
     * new revision, the others wait: a canary, or (at the replica count) a paused rollout. Default 0.
     */
    readonly partition?: number;
    /**
     * StatefulSet only: `protect` the StatefulSet, so no `pulumi up` can delete or replace what owns
     * the volume claims (a changed claim template forces a replacement). Default false.
     */
    readonly protectVolumes?: boolean;
    /** Absolute paths that get a writable emptyDir (the root filesystem is read-only). Default `["/tmp"]`. */
    readonly writablePaths?: readonly string[];
    /** Size limit of each writable emptyDir. Default `256Mi`. */
    readonly writableSizeLimit?: string;
    /** One PVC per pod; StatefulSet only. Default: none. */
    readonly volumeClaims?: readonly WorkloadVolumeClaim[];
    /** Default 30. */
    readonly terminationGracePeriodSeconds?: number;
    /** Non-zero uid, gid and fsGroup of the pod. Default 10001. */
    readonly runAsId?: number;
    /**
     * Where the arguments come from, named in errors so an operator knows what to edit, e.g.
     * `Pulumi.devnet.yaml (messaging-infra:services.relay)`. Default: none.
     */
    readonly configSource?: string;
}
