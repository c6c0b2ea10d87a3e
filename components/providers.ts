/**
 * The explicit AWS and Kubernetes providers every resource uses (no default providers), and the
 * cluster facts (name, OIDC provider) the IRSA roles need.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { NetworkConfig } from "./config";
import { awsTags } from "./network";

/** The cluster the platform runs on, as IRSA trust policies need it. */
export interface ClusterIdentity {
    name: pulumi.Output<string>;
    /** `arn:aws:iam::<account>:oidc-provider/<issuer host/path>` */
    oidcProviderArn: pulumi.Output<string>;
    /** The issuer without `https://`, as IAM condition keys spell it. */
    oidcIssuerHostPath: pulumi.Output<string>;
}

/** The providers and cluster facts one network's resources are created with. */
export interface PlatformProviders {
    aws: aws.Provider;
    kubernetes: k8s.Provider;
    /** Generates secret values locally; explicit so that no default provider is ever used. */
    random: random.Provider;
    cluster: ClusterIdentity;
}

/**
 * Creates the explicit providers for one network. The cluster comes straight from config, or from
 * the cluster stack's outputs when config names a StackReference.
 */
export function createProviders(config: NetworkConfig, opts?: pulumi.CustomResourceOptions): PlatformProviders {
    const awsProvider = new aws.Provider(
        `${config.network}-aws`,
        {
            region: config.region as aws.Region,
            allowedAccountIds: [config.aws.accountId],
            defaultTags: { tags: awsTags(config) },
        },
        opts,
    );
    let cluster: ClusterIdentity;
    let kubeconfig: pulumi.Output<string> | undefined;
    let context: string | undefined;
    if ("stackReference" in config.cluster) {
        const ref = new pulumi.StackReference(
            `${config.network}-cluster`,
            { name: config.cluster.stackReference },
            opts,
        );
        const names = config.cluster.outputs;
        const issuerUrl = ref.requireOutput(names.oidcIssuerUrl) as pulumi.Output<string>;
        cluster = {
            name: ref.requireOutput(names.name) as pulumi.Output<string>,
            oidcProviderArn: ref.requireOutput(names.oidcProviderArn) as pulumi.Output<string>,
            oidcIssuerHostPath: issuerUrl.apply((url) => url.replace(/^https:\/\//, "")),
        };
        kubeconfig = pulumi.secret(ref.requireOutput(names.kubeconfig) as pulumi.Output<string>);
    } else {
        cluster = {
            name: pulumi.output(config.cluster.name),
            oidcProviderArn: pulumi.output(config.cluster.oidcProviderArn),
            oidcIssuerHostPath: pulumi.output(config.cluster.oidcIssuerUrl.replace(/^https:\/\//, "")),
        };
        context = config.cluster.kubeContext;
    }
    const kubernetesProvider = new k8s.Provider(
        `${config.network}-kubernetes`,
        {
            kubeconfig,
            context,
            // Server-side apply lets the API server own defaulted fields, so previews show real diffs.
            enableServerSideApply: true,
            // Never fall back to whatever namespace a kubeconfig context defaults to.
            namespace: config.namespace.name,
        },
        opts,
    );
    const randomProvider = new random.Provider(`${config.network}-random`, {}, opts);
    return { aws: awsProvider, kubernetes: kubernetesProvider, random: randomProvider, cluster };
}
