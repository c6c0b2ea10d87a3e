/**
 * namespace-default-deny (rules/stack/defaultDeny.ts): one passing stack and one mutation per
 * failing condition, with exact messages and the URN each violation is reported against.
 */
import * as assert from "node:assert/strict";
import { namespaceDefaultDeny } from "../../rules/stack/defaultDeny";
import { defaultDeny, deployment, namespace, provider } from "../compliantStack";
import { messagesOf, policyTable, res, runPolicy } from "../support";

const DENY_FIX =
    'add one with podSelector {}, policyTypes ["Ingress", "Egress"] and no rules, then allow each flow of the traffic matrix explicitly.';

describe("stack policies", () => {
    describe("namespace-default-deny", () => {
        const stack = () => ({ p: provider(), n: namespace(), np: defaultDeny(), d: deployment() });
        const list = (s: ReturnType<typeof stack>) => [s.p, s.n, s.np, s.d];
        const runs = 'namespace "messaging-mainnet" runs pods (Deployment "relay")';
        policyTable(namespaceDefaultDeny, stack, list, [
            {
                name: "no NetworkPolicy",
                mutate: (s) => void (s.np.type = "kubernetes:core/v1:ConfigMap"),
                messages: [`${runs} but no NetworkPolicy in it denies all Ingress and Egress by default; ${DENY_FIX}`],
            },
            {
                name: "a podSelector that picks some pods",
                mutate: (s) => void (s.np.props.spec.podSelector = { matchLabels: { app: "relay" } }),
                messages: [
                    `${runs} but no NetworkPolicy in it denies all Ingress and Egress by default (NetworkPolicy ` +
                        `"default-deny": podSelector is {"matchLabels":{"app":"relay"}}); ${DENY_FIX}`,
                ],
            },
            {
                name: "Ingress only",
                mutate: (s) => void (s.np.props.spec.policyTypes = ["Ingress"]),
                messages: [
                    `${runs} but no NetworkPolicy in it denies all Egress by default (NetworkPolicy "default-deny": policyTypes is ["Ingress"]); ${DENY_FIX}`,
                ],
            },
            {
                name: "policyTypes unset (defaults to Ingress)",
                mutate: (s) => void delete s.np.props.spec.policyTypes,
                messages: [
                    `${runs} but no NetworkPolicy in it denies all Egress by default (NetworkPolicy ` +
                        `"default-deny": policyTypes is unset (so ["Ingress"])); ${DENY_FIX}`,
                ],
            },
            {
                name: "an egress rule that allows everything",
                mutate: (s) => void (s.np.props.spec.egress = [{}]),
                messages: [
                    `${runs} but no NetworkPolicy in it denies all Egress by default (NetworkPolicy "default-deny": egress has 1 rule(s)); ${DENY_FIX}`,
                ],
            },
            {
                name: "the policy sits in another namespace",
                mutate: (s) => void (s.np.props.metadata.namespace = "messaging-other"),
                messages: [`${runs} but no NetworkPolicy in it denies all Ingress and Egress by default; ${DENY_FIX}`],
            },
        ]);

        it("accepts one deny-all policy per direction, and reports against the Namespace resource", async () => {
            const ingressOnly = defaultDeny();
            ingressOnly.props.spec.policyTypes = ["Ingress"];
            const egressOnly = res("kubernetes:networking.k8s.io/v1:NetworkPolicy", "deny-egress", {
                metadata: { namespace: "messaging-mainnet" },
                spec: { podSelector: {}, policyTypes: ["Egress"], egress: [] },
            });
            assert.deepEqual(
                await messagesOf(namespaceDefaultDeny, [
                    provider(),
                    namespace(),
                    ingressOnly,
                    egressOnly,
                    deployment(),
                ]),
                [],
            );
            const violations = await runPolicy(namespaceDefaultDeny, [provider(), namespace(), deployment()]);
            assert.equal(violations[0].urn, namespace().urn);
            assert.equal(violations[0].type, "kubernetes:core/v1:Namespace");
        });
    });
});
