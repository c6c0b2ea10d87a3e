/**
 * Workload: the one way a platform service runs a container image. It builds a Deployment (or a
 * StatefulSet), its ServiceAccount, a ClusterIP Service, an immutable settings ConfigMap and, when
 * the replica count calls for them, a PodDisruptionBudget and an autoscaling/v2 HPA.
 *
 * Secure defaults are built in rather than offered: non-root (uid/gid 10001), read-only root
 * filesystem, no privilege escalation, all capabilities dropped, seccomp RuntimeDefault, no
 * service-account token unless the pod has an IRSA role, requests and limits, three probes, a
 * pinned image, topology spread when there can be more than one pod. Secrets reach the container
 * only as `secretKeyRef`s; a plain setting whose name looks secret is rejected.
 *
 * Its arguments and defaults are in workloadArgs.ts, their checks in workloadChecks.ts, and
 * everything the class creates is derived by the pure functions of workloadSpec.ts, which have
 * their own table tests; the class only wires and registers.
 *
 * Settings roll the pods through an immutable ConfigMap whose name carries a hash of its data
 * (`<service>-settings-<hash>`): a changed setting is a new ConfigMap name in the pod template, so
 * the Deployment rolls by its rolling-update strategy. Pulumi creates the new ConfigMap before it
 * updates the Deployment and deletes the old one only afterwards (the names differ, so no
 * delete-before-replace), pods that restart mid-rollout keep reading the settings they started
 * with, and a rollback to old settings is a rollback to the old name. A checksum annotation on a
 * mutable ConfigMap would also roll the pods, but an old pod restarting during the rollout would
 * pick up the new values, and the kubelet would keep watching a ConfigMap that never changes.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { selectorLabels, serviceLabels } from "../network";
import { HEADLESS_SERVICE_LABEL, IRSA_ROLE_ANNOTATION, WorkloadArgs, WorkloadKind } from "./workloadArgs";
import { checkWorkloadArgs, WORKLOAD_TYPE } from "./workloadChecks";
import {
    deploymentStrategy,
    hpaSpec,
    metricsAnnotations,
    needsDisruptionBudget,
    pdbSpec,
    portsByName,
    serviceSpec,
    servicePorts,
    settingsConfigMapName,
    statefulSetUpdateStrategy,
    workloadPodSpec,
} from "./workloadSpec";

// The Workload's whole vocabulary from one module, for services and tests.
export * from "./workloadArgs";
export * from "./workloadChecks";
export * from "./workloadSpec";

/** One service's pods, service account, Service, settings, and their disruption budget and autoscaler. */
export class Workload extends pulumi.ComponentResource {
    /** The labels that select the pods (Service, PDB and network policies use exactly these). */
    public readonly selector: Readonly<Record<string, string>>;
    /** Every label the workload's objects and pods carry. */
    public readonly labels: Readonly<Record<string, string>>;
    /** Container ports by name. */
    public readonly ports: Readonly<Record<string, number>>;
    /** The port Prometheus scrapes (the one `metrics.port` names). */
    public readonly metricsPort: number;
    /** Where Prometheus scrapes: the metrics port's name (the Service's port of that name) and the path. */
    public readonly metrics: { readonly port: string; readonly path: string };
    public readonly kind: WorkloadKind;
    /** The Deployment's or StatefulSet's name. */
    public readonly workloadName: pulumi.Output<string>;
    /** The ClusterIP Service's name. */
    public readonly serviceName: pulumi.Output<string>;
    /** The ServiceAccount's name (an IRSA trust policy names it). */
    public readonly serviceAccountName: pulumi.Output<string>;
    /** The settings ConfigMap's current (content-hashed) name; undefined without settings. */
    public readonly configMapName: pulumi.Output<string> | undefined;
    /** Whether the pods have an IRSA role, i.e. talk to AWS APIs. */
    public readonly hasAwsRole: boolean;

    constructor(name: string, args: WorkloadArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validate before registering anything, so bad input leaves no half-built component behind
        // (arguments a service builder has already checked are not checked again).
        checkWorkloadArgs(name, args);
        super(WORKLOAD_TYPE, name, {}, opts);

        const kind = args.kind ?? "Deployment";
        const selector = selectorLabels(args.service, args.network);
        const labels = serviceLabels(args.service, args.network, args.component);
        const metadata = (objectName: pulumi.Input<string>, annotations?: Record<string, pulumi.Input<string>>) => ({
            name: objectName,
            namespace: args.namespace,
            labels,
            ...(annotations ? { annotations } : {}),
        });
        this.selector = selector;
        this.labels = labels;
        this.ports = portsByName(args.ports);
        this.metricsPort = this.ports[args.metrics?.port ?? "metrics"];
        this.metrics = { port: args.metrics?.port ?? "metrics", path: args.metrics?.path ?? "/metrics" };
        this.kind = kind;
        this.hasAwsRole = args.role !== undefined;

        const serviceAccount = new k8s.core.v1.ServiceAccount(
            `${name}-service-account`,
            {
                // Named after the service account the role trusts: the pair is made by reference.
                metadata: metadata(
                    args.role?.serviceAccount.name ?? args.service,
                    args.role !== undefined ? { [IRSA_ROLE_ANNOTATION]: args.role.arn } : undefined,
                ),
                automountServiceAccountToken: args.role !== undefined,
            },
            { parent: this },
        );
        this.serviceAccountName = serviceAccount.metadata.name;

        let configMapName: pulumi.Output<string> | undefined;
        const settings = args.settings ?? {};
        if (Object.keys(settings).length > 0) {
            const data = pulumi.output(settings) as pulumi.Output<Record<string, string>>;
            const configMap = new k8s.core.v1.ConfigMap(
                `${name}-settings`,
                {
                    metadata: metadata(data.apply((d) => settingsConfigMapName(args.service, d))),
                    immutable: true,
                    data,
                },
                { parent: this },
            );
            configMapName = configMap.metadata.name;
        }
        this.configMapName = configMapName;

        const podSpec = workloadPodSpec(args, { serviceAccountName: this.serviceAccountName, configMapName });
        const template = { metadata: { labels, annotations: metricsAnnotations(args) }, spec: podSpec };
        // With an HPA the autoscaler owns the replica count (see `replicas`).
        const replicas = args.autoscaling ? {} : { replicas: args.replicas };
        let workload: k8s.apps.v1.Deployment | k8s.apps.v1.StatefulSet;
        if (kind === "Deployment") {
            workload = new k8s.apps.v1.Deployment(
                `${name}-deployment`,
                {
                    metadata: metadata(args.service),
                    spec: {
                        ...replicas,
                        selector: { matchLabels: selector },
                        strategy: deploymentStrategy(),
                        revisionHistoryLimit: 5,
                        template,
                    },
                },
                { parent: this },
            );
        } else {
            const headless = new k8s.core.v1.Service(
                `${name}-headless`,
                {
                    // Labelled apart so a ServiceMonitor scrapes the pods through one Service only.
                    metadata: {
                        ...metadata(`${args.service}-headless`),
                        labels: { ...labels, [HEADLESS_SERVICE_LABEL]: "true" },
                    },
                    spec: {
                        clusterIP: "None",
                        selector,
                        ports: servicePorts(args.ports),
                        publishNotReadyAddresses: true,
                    },
                },
                { parent: this },
            );
            workload = new k8s.apps.v1.StatefulSet(
                `${name}-statefulset`,
                {
                    metadata: metadata(args.service),
                    spec: {
                        ...replicas,
                        serviceName: headless.metadata.name,
                        selector: { matchLabels: selector },
                        updateStrategy: statefulSetUpdateStrategy(args.partition),
                        podManagementPolicy: args.podManagementPolicy ?? "OrderedReady",
                        // Deleting or scaling down the StatefulSet never deletes its data.
                        persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
                        revisionHistoryLimit: 5,
                        template,
                        volumeClaimTemplates: (args.volumeClaims ?? []).map((claim) => ({
                            metadata: { name: claim.name, labels },
                            spec: {
                                accessModes: ["ReadWriteOnce"],
                                ...(claim.storageClassName !== undefined
                                    ? { storageClassName: claim.storageClassName }
                                    : {}),
                                resources: { requests: { storage: claim.size } },
                            },
                        })),
                    },
                },
                // What owns the volume claims is never deleted or replaced by an update when protected.
                { parent: this, protect: args.protectVolumes ?? false },
            );
        }
        this.workloadName = workload.metadata.name;

        const service = new k8s.core.v1.Service(
            `${name}-service`,
            {
                metadata: metadata(args.service),
                spec: serviceSpec(selector, args.ports, args.clientIpAffinitySeconds),
            },
            { parent: this },
        );
        this.serviceName = service.metadata.name;

        if (needsDisruptionBudget(args)) {
            new k8s.policy.v1.PodDisruptionBudget(
                `${name}-pdb`,
                { metadata: metadata(args.service), spec: pdbSpec(selector, args.minAvailable, args.maxUnavailable) },
                { parent: this },
            );
        }
        if (args.autoscaling) {
            new k8s.autoscaling.v2.HorizontalPodAutoscaler(
                `${name}-hpa`,
                { metadata: metadata(args.service), spec: hpaSpec(kind, this.workloadName, args.autoscaling) },
                { parent: this },
            );
        }

        this.registerOutputs({
            selector: this.selector,
            ports: this.ports,
            workloadName: this.workloadName,
            serviceName: this.serviceName,
            serviceAccountName: this.serviceAccountName,
            configMapName: this.configMapName,
            hasAwsRole: this.hasAwsRole,
        });
    }
}
