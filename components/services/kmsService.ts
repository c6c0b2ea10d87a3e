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
import { counter, gauge, histogram } from "../k8s/metrics";
import { IrsaBinding } from "../k8s/workload";
import { Network, SERVICE_NAMES } from "../network";
import { configuredWorkloadArgs, ownSecret, PlatformService, ServiceDefinition } from "./platformService";

/** The key of the master key in the KMS service's Kubernetes Secret. */
export const KMS_MASTER_KEY_SECRET_KEY = "master-key";
/** The key providers the service enables, in order of preference. */
export const KMS_PROVIDERS = ["local", "aws-kms"] as const;

/** What the key service exposes on its metrics port (`/metrics`). */
export const KMS_SERVICE_METRICS = {
    keyGenerationLatency: histogram("key_generation_latency_seconds", "Seconds to generate one key, by provider.", [
        "provider",
    ]),
    signingLatency: histogram("signing_latency_seconds", "Seconds to sign one payload, by provider.", ["provider"]),
    requests: counter("kms_requests_total", "Key service requests, by operation, provider and outcome.", [
        "operation",
        "provider",
        "status",
    ]),
    keysManaged: gauge("kms_keys_managed", "Keys the service holds, by provider.", ["provider"]),
} as const;

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
    /** Its IRSA role (the role may use the network key); its ServiceAccount is the one the role trusts. */
    readonly role: IrsaBinding;
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

/** The key service's one description: its Workload (Deployment, PDB when replicated) and its Secret. */
export function kmsServiceDefinition(args: KmsServiceArgs): ServiceDefinition {
    const { settings } = args;
    const service = SERVICE_NAMES.kmsService;
    return {
        workload: {
            ...configuredWorkloadArgs(service, "kmsService", args, settings, "http"),
            component: "kms",
            replicas: settings.replicas,
            ports: [
                { name: "http", containerPort: settings.ports.http },
                { name: "metrics", containerPort: settings.ports.metrics },
            ],
            settings: kmsServiceSettings(args),
            secretEnv: [{ envName: "KMS_MASTER_KEY", secret: ownSecret(service, KMS_MASTER_KEY_SECRET_KEY) }],
            role: args.role,
        },
        metrics: KMS_SERVICE_METRICS,
        secrets: { [KMS_MASTER_KEY_SECRET_KEY]: args.masterKey },
    };
}

/** The key service of one network. */
export class KmsService extends PlatformService {
    /** The in-cluster URL the relay calls: `http://kms-service.<namespace>.svc.cluster.local:<http>`. */
    public readonly url: pulumi.Output<string>;

    constructor(name: string, args: KmsServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("messaging:services:KmsService", name, kmsServiceDefinition(args), opts);
        this.url = this.clusterUrl(args.namespace, "http");
        this.registerOutputs({ ...this.serviceOutputs(), url: this.url });
    }
}
