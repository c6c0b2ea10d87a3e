/**
 * workload-not-in-default-namespace (rules/workload/namespaces.ts): one passing input and one mutation per failing
 * condition, with exact messages.
 */
import { notInDefaultNamespace } from "../../rules/workload/namespaces";
import { deployment, provider } from "../compliantStack";
import { policyTable } from "../support";

describe("workload policies", () => {
    const namespaceFix =
        "set metadata.namespace (or the Kubernetes provider's namespace) to the network's " +
        "namespace: default has no Pod Security labels, quota or default-deny network policy.";
    policyTable(
        notInDefaultNamespace,
        () => ({ d: deployment(), p: provider() }),
        (x) => [x.p, x.d],
        [
            {
                name: "namespace default",
                mutate: (x) => void (x.d.props.metadata.namespace = "default"),
                messages: [`metadata.namespace is "default"; ${namespaceFix}`],
            },
            {
                name: "no namespace and no provider",
                mutate: (x) => void delete x.d.options.provider,
                messages: [
                    `metadata.namespace is unset and the Kubernetes provider sets no namespace; ${namespaceFix}`,
                ],
            },
            {
                name: "the provider's namespace is default",
                mutate: (x) => void (x.p.props.namespace = "default"),
                messages: [
                    `metadata.namespace is unset and the Kubernetes provider's namespace is "default"; ${namespaceFix}`,
                ],
            },
        ],
    );
});
