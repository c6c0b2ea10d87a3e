/**
 * network-namespace-isolation (rules/stack/isolation.ts): one passing stack and one mutation per
 * failing condition, with exact messages; where the network comes from.
 */
import * as assert from "node:assert/strict";
import { networkNamespaceIsolation } from "../../rules/stack/isolation";
import { deployment, namespace, provider, statefulSet } from "../compliantStack";
import { messagesOf, policyTable, urnOf } from "../support";

describe("stack policies", () => {
    describe("network-namespace-isolation", () => {
        const stack = () => ({ p: provider(), n: namespace(), d: deployment(), s: statefulSet() });
        const mixed = (what: string, value: string, other: string) =>
            `${what}: ${value}, which names network "${other}", but this stack deploys "mainnet"; use ` +
            `mainnet's namespace so one network's objects never land in another's.`;
        policyTable(networkNamespaceIsolation, stack, (s) => [s.p, s.n, s.d, s.s], [
            {
                name: "a resource in testnet's namespace",
                mutate: (s) => void (s.s.props.metadata.namespace = "messaging-testnet"),
                messages: [
                    mixed(
                        'StatefulSet "object-store" in namespace "messaging-testnet"',
                        'metadata.namespace is "messaging-testnet"',
                        "testnet",
                    ),
                ],
            },
            {
                name: "a Namespace named for devnet",
                mutate: (s) => void (s.n.props.metadata.name = "devnet-tools"),
                messages: [mixed('Namespace "devnet-tools"', 'metadata.name is "devnet-tools"', "devnet")],
            },
            {
                name: "a provider defaulting to testnet's namespace",
                mutate: (s) => void (s.p.props.namespace = "messaging-testnet"),
                messages: [
                    mixed('kubernetes provider "mainnet-kubernetes"', 'namespace is "messaging-testnet"', "testnet"),
                ],
            },
        ]);

        it("takes the network from config before the stack name, and does not apply when neither names one", async () => {
            const n = namespace();
            const violations = await messagesOf(networkNamespaceIsolation, [n], { network: "devnet" });
            assert.deepEqual(violations, [
                'Namespace "messaging-mainnet": metadata.name is "messaging-mainnet", which names network ' +
                    '"mainnet", but this stack deploys "devnet"; use devnet\'s namespace so one network\'s ' +
                    "objects never land in another's.",
            ]);
            const elsewhere = {
                ...namespace(),
                urn: urnOf("kubernetes:core/v1:Namespace", "messaging-mainnet", "dev-alice"),
            };
            elsewhere.props.metadata.name = "testnet-x";
            assert.deepEqual(await messagesOf(networkNamespaceIsolation, [elsewhere]), []);
        });
    });
});
