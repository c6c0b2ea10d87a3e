/**
 * ClusterSecret: the Kubernetes Secret a service's pods read their credentials from.
 *
 * Mechanism: the platform creates each credential once, as a Secrets Manager entry (the system
 * of record, encrypted with the network's KMS key), and hands the same value — a Pulumi secret
 * Output — to this component, which writes it into a Pulumi-managed `Opaque` Secret (`stringData`).
 * Pods reach it only through `secretKeyRef`s built with {@link ClusterSecret.ref}; no value ever
 * appears in a pod spec, a ConfigMap or an env `value`.
 *
 * Trade-off: the values also live in Pulumi state (encrypted by the stack's secrets provider,
 * never shown in previews or logs), and a change in Secrets Manager outside Pulumi reaches the
 * cluster only on the next `pulumi up`. In return there is no cluster prerequisite (no External
 * Secrets Operator or CSI driver to install, upgrade and grant IAM access), the Secret exists
 * before the pods that need it, and a preview shows when a credential changes. The Secret is
 * mutable so a rotation updates it in place; running pods keep the value they started with until
 * they restart (`kubectl rollout restart`), because a value-hash on the pod template would put a
 * function of the secret into plain pod metadata.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Network } from "../network";
import { ArgumentProblem, ArgumentsError, componentArguments, FIX_THE_CALLER, ProblemList } from "../errors";
import { serviceLabels } from "../network";
import { DNS_SUBDOMAIN_ALLOWED, isDnsSubdomain, isSecretKey, SECRET_KEY_ALLOWED } from "../validators";
import { SecretKeyRef } from "./workload";

/** Arguments of {@link ClusterSecret}. */
export interface ClusterSecretArgs {
    /** The namespace the Secret lives in (the pods' namespace). */
    readonly namespace: pulumi.Input<string>;
    readonly network: Network;
    /** The service whose pods read it; it is `app.kubernetes.io/name` of the Secret. */
    readonly service: string;
    /** The Secret's name, a DNS-1123 subdomain. Default `<service>-secrets`. */
    readonly secretName?: string;
    /**
     * Secret keys to values. Pass the Secrets Manager entries' values (Pulumi secret Outputs);
     * each value is marked secret again here in case a caller passes a plain Output.
     */
    readonly values: Readonly<Record<string, pulumi.Input<string>>>;
}

/** The Secret's name: the given one, or `<service>-secrets`. */
export function clusterSecretName(args: Pick<ClusterSecretArgs, "service" | "secretName">): string {
    return args.secretName ?? `${args.service}-secrets`;
}

/** Every problem with a ClusterSecret's arguments (values are never echoed, only key names). */
export function clusterSecretProblems(args: ClusterSecretArgs): ArgumentProblem[] {
    const problems = new ProblemList();
    const add = problems.add.bind(problems);
    const name = clusterSecretName(args);
    if (!isDnsSubdomain(name))
        add(args.secretName === undefined ? "service" : "secretName", name, DNS_SUBDOMAIN_ALLOWED);
    const keys = Object.keys(args.values);
    if (keys.length === 0) add("values", [], "at least one key");
    for (const key of keys) if (!isSecretKey(key)) add("values", key, SECRET_KEY_ALLOWED);
    return problems.problems;
}

/** A Pulumi-managed Opaque Secret holding one service's credentials. */
export class ClusterSecret extends pulumi.ComponentResource {
    /** The Secret's name, known once it exists (so pods depend on it). */
    public readonly secretName: pulumi.Output<string>;
    /** The keys it holds. */
    public readonly keys: readonly string[];

    constructor(name: string, args: ClusterSecretArgs, opts?: pulumi.ComponentResourceOptions) {
        const problems = clusterSecretProblems(args);
        if (problems.length > 0)
            throw new ArgumentsError(componentArguments("messaging:k8s:ClusterSecret", name), problems, FIX_THE_CALLER);
        super("messaging:k8s:ClusterSecret", name, {}, opts);
        this.keys = Object.keys(args.values).sort();
        const stringData = Object.fromEntries(this.keys.map((key) => [key, pulumi.secret(args.values[key])]));
        const secret = new k8s.core.v1.Secret(
            `${name}-secret`,
            {
                metadata: {
                    name: clusterSecretName(args),
                    namespace: args.namespace,
                    labels: serviceLabels(args.service, args.network, "secrets"),
                },
                type: "Opaque",
                immutable: false,
                stringData,
            },
            // The SDK's Secret already adds data and stringData to additionalSecretOutputs.
            { parent: this },
        );
        this.secretName = secret.metadata.name;
        this.registerOutputs({ secretName: this.secretName, keys: this.keys });
    }

    /** A `secretKeyRef` to one key; throws for a key the Secret does not hold. */
    public ref(key: string): SecretKeyRef & { readonly name: pulumi.Output<string> } {
        if (!this.keys.includes(key))
            throw new Error(`ClusterSecret has no key "${key}" (it holds: ${this.keys.join(", ")})`);
        return { name: this.secretName, key };
    }
}
