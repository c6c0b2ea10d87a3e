/**
 * KmsService: key generation and signing for the relay network on HTTP 3300. It offers two key
 * providers, `local` (keys wrapped with the master key, read from a Kubernetes Secret) and
 * `aws-kms` (the network's KMS key, reached with the pod's IRSA role). A Workload (Deployment,
 * PDB when it runs more than one replica) plus a ClusterSecret with the master key. The key ARN,
 * the role ARN and the master key's value come from the platform; this file creates no AWS
 * resource.
 */
import * as pulumi from "@pulumi/pulumi";
import { NetworkConfig } from "../config";
import { Network } from "../network";
import { ClusterSecret, clusterSecretName } from "../k8s/clusterSecret";
import { assertWorkloadArgs, SecretKeyRef, Workload, WorkloadArgs } from "../k8s/workload";
import { SERVICE_NAMES } from "../network";
import { configuredWorkloadArgs } from "./configuredWorkload";

/** The key of the master key in the KMS service's Kubernetes Secret. */
export const KMS_MASTER_KEY_SECRET_KEY = "master-key";
/** The key providers the service enables, in order of preference. */
export const KMS_PROVIDERS = ["local", "aws-kms"] as const;

/** Arguments of {@link KmsService}. */
export interface KmsServiceArgs {
    readonly network: Network;
    /** The namespace it runs in. */
    readonly namespace: pulumi.Input<string>;
    /** Its validated config (`services.kmsService`). */
    readonly settings: NetworkConfig["services"]["kmsService"];
    /** The AWS region of the network's KMS key (`region`). */
    readonly region: string;
    /** The network's KMS key ARN, for the `aws-kms` provider. */
    readonly keyArn: pulumi.Input<string>;
    /** Its IRSA role ARN (the role may use the network key). */
    readonly roleArn: pulumi.Input<string>;
    /** The `local` provider's master key, as a Pulumi secret (the Secrets Manager entry's value). */
    readonly masterKey: pulumi.Input<string>;
    /** The stack file an operator edits, named in errors. Default `Pulumi.<network>.yaml`. */
    readonly stackFile?: string;
}

/** The KMS service's non-secret settings (its ConfigMap). */
export function kmsServiceSettings(
    args: Pick<KmsServiceArgs, "network" | "settings" | "region" | "keyArn">,
): Record<string, pulumi.Input<string>> {
    return {
        NETWORK: args.network,
        HTTP_PORT: String(args.settings.ports.http),
        METRICS_PORT: String(args.settings.ports.metrics),
        KMS_PROVIDERS: KMS_PROVIDERS.join(","),
        AWS_KMS_KEY_ARN: args.keyArn,
        AWS_REGION: args.region,
    };
}

/** The KMS service's Workload arguments, given where its master key lives. */
export function kmsServiceWorkloadArgs(args: KmsServiceArgs, masterKey: SecretKeyRef): WorkloadArgs {
    const { settings } = args;
    return {
        ...configuredWorkloadArgs(SERVICE_NAMES.kmsService, "kmsService", args, settings, "http"),
        replicas: settings.replicas,
        ports: [
            { name: "http", containerPort: settings.ports.http },
            { name: "metrics", containerPort: settings.ports.metrics },
        ],
        settings: kmsServiceSettings(args),
        secretEnv: [{ envName: "KMS_MASTER_KEY", secret: masterKey }],
        roleArn: args.roleArn,
    };
}

/** The key service of one network. */
export class KmsService extends pulumi.ComponentResource {
    /** The labels that select its pods. */
    public readonly selector: Readonly<Record<string, string>>;
    /** Container ports by name: `http`, `metrics`. */
    public readonly ports: Readonly<Record<string, number>>;
    /** Its ClusterIP Service name. */
    public readonly serviceName: pulumi.Output<string>;
    /** Its ServiceAccount name (its IRSA role trusts it). */
    public readonly serviceAccountName: pulumi.Output<string>;
    /** The Kubernetes Secret holding the master key. */
    public readonly secretName: pulumi.Output<string>;
    /** The in-cluster URL the relay calls: `http://kms-service.<namespace>.svc.cluster.local:<http>`. */
    public readonly url: pulumi.Output<string>;
    public readonly workload: Workload;

    constructor(name: string, args: KmsServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        // Check the workload's arguments before registering anything (the Secret's name is fixed).
        assertWorkloadArgs(
            `${name}-workload`,
            kmsServiceWorkloadArgs(args, {
                name: clusterSecretName({ service: SERVICE_NAMES.kmsService }),
                key: KMS_MASTER_KEY_SECRET_KEY,
            }),
        );
        super("messaging:services:KmsService", name, {}, opts);
        const secret = new ClusterSecret(
            `${name}-secrets`,
            {
                namespace: args.namespace,
                network: args.network,
                service: SERVICE_NAMES.kmsService,
                values: { [KMS_MASTER_KEY_SECRET_KEY]: args.masterKey },
            },
            { parent: this },
        );
        this.workload = new Workload(
            `${name}-workload`,
            kmsServiceWorkloadArgs(args, secret.ref(KMS_MASTER_KEY_SECRET_KEY)),
            { parent: this },
        );
        this.selector = this.workload.selector;
        this.ports = this.workload.ports;
        this.serviceName = this.workload.serviceName;
        this.serviceAccountName = this.workload.serviceAccountName;
        this.secretName = secret.secretName;
        this.url = pulumi.interpolate`http://${this.serviceName}.${args.namespace}.svc.cluster.local:${args.settings.ports.http}`;
        this.registerOutputs({
            selector: this.selector,
            ports: this.ports,
            serviceName: this.serviceName,
            serviceAccountName: this.serviceAccountName,
            secretName: this.secretName,
            url: this.url,
        });
    }
}
