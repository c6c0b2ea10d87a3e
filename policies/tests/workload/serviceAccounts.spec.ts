/**
 * The service-account token rules (rules/workload/serviceAccounts.ts): one passing input and one mutation per failing
 * condition, with exact messages.
 */
import * as assert from "node:assert/strict";
import { podServiceAccountToken, serviceAccountTokenAutomount } from "../../rules/workload/serviceAccounts";
import { deployment, irsaServiceAccount, plainServiceAccount, provider, S, statefulSet } from "../compliantStack";
import { messagesOf, policyTable } from "../support";

describe("workload policies", () => {
    policyTable(
        serviceAccountTokenAutomount,
        () => plainServiceAccount("object-store"),
        (sa) => sa,
        [
            {
                name: "automount unset",
                mutate: (sa) => void delete sa.props.automountServiceAccountToken,
                messages: [
                    `automountServiceAccountToken is unset; set it to false: the service account has no ` +
                        `eks.amazonaws.com/role-arn annotation, so its pods need no token and a stolen one would ` +
                        `reach the Kubernetes API.`,
                ],
            },
            {
                name: "automount true",
                mutate: (sa) => void (sa.props.automountServiceAccountToken = true),
                messages: [
                    `automountServiceAccountToken is true; set it to false: the service account has no ` +
                        `eks.amazonaws.com/role-arn annotation, so its pods need no token and a stolen one would ` +
                        `reach the Kubernetes API.`,
                ],
            },
        ],
    );

    it("service-account-token-automount lets an IRSA service account keep its token", async () => {
        assert.deepEqual(await messagesOf(serviceAccountTokenAutomount, irsaServiceAccount()), []);
    });

    policyTable(
        podServiceAccountToken,
        () => ({ p: provider(), sa: irsaServiceAccount(), d: deployment(), s: statefulSet() }),
        (x) => [x.p, x.sa, x.d, x.s],
        [
            {
                name: "automount unset with a non-IRSA service account",
                mutate: (x) => void delete x.s.props.spec.template.spec.automountServiceAccountToken,
                messages: [
                    `StatefulSet "object-store" in namespace "messaging-mainnet": ` +
                        `${S}.automountServiceAccountToken is unset and its service account "object-store" is not ` +
                        `an IRSA service account in this stack; set it to false so the pod gets no Kubernetes API ` +
                        `token it does not need.`,
                ],
            },
            {
                name: "automount true with the default service account",
                mutate: (x) => {
                    delete x.s.props.spec.template.spec.serviceAccountName;
                    x.s.props.spec.template.spec.automountServiceAccountToken = true;
                },
                messages: [
                    `StatefulSet "object-store" in namespace "messaging-mainnet": ` +
                        `${S}.automountServiceAccountToken is true and its service account "default" is not an IRSA ` +
                        `service account in this stack; set it to false so the pod gets no Kubernetes API token it ` +
                        `does not need.`,
                ],
            },
            {
                name: "the IRSA service account lives in another namespace",
                mutate: (x) => {
                    x.sa.props.metadata.namespace = "other";
                    delete x.d.props.spec.template.spec.automountServiceAccountToken;
                },
                messages: [
                    `Deployment "relay" in namespace "messaging-mainnet": ${S}.automountServiceAccountToken is ` +
                        `unset and its service account "relay" is not an IRSA service account in this stack; set it ` +
                        `to false so the pod gets no Kubernetes API token it does not need.`,
                ],
            },
        ],
    );

    it("pod-service-account-token accepts the ServiceAccount's automountServiceAccountToken: false when the pod leaves it unset", async () => {
        const s = statefulSet();
        delete s.props.spec.template.spec.automountServiceAccountToken;
        assert.deepEqual(
            await messagesOf(podServiceAccountToken, [provider(), plainServiceAccount("object-store"), s]),
            [],
        );
    });

    it("pod-service-account-token: the pod's true overrides the ServiceAccount's false", async () => {
        const s = statefulSet();
        s.props.spec.template.spec.automountServiceAccountToken = true;
        assert.deepEqual(
            await messagesOf(podServiceAccountToken, [provider(), plainServiceAccount("object-store"), s]),
            [
                `StatefulSet "object-store" in namespace "messaging-mainnet": ${S}.automountServiceAccountToken is true ` +
                    `and its service account "object-store" is not an IRSA service account in this stack; set it to false ` +
                    `so the pod gets no Kubernetes API token it does not need.`,
            ],
        );
        // The ServiceAccount of the same name in another namespace is not the pod's.
        const elsewhere = plainServiceAccount("object-store");
        elsewhere.props.metadata.namespace = "other";
        delete s.props.spec.template.spec.automountServiceAccountToken;
        assert.equal((await messagesOf(podServiceAccountToken, [provider(), elsewhere, s])).length, 1);
    });

    it("pod-service-account-token lets pods of an IRSA service account keep the token", async () => {
        const d = deployment();
        delete d.props.spec.template.spec.automountServiceAccountToken;
        assert.deepEqual(await messagesOf(podServiceAccountToken, [provider(), irsaServiceAccount(), d]), []);
    });
});
