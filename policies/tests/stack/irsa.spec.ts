/**
 * The IRSA stack rules (rules/stack/irsa.ts): one passing stack and one mutation per failing
 * condition, with exact messages; annotations match roles by value.
 */
import * as assert from "node:assert/strict";
import { irsaAnnotationMatchesRoleTrust, irsaRoleUsed } from "../../rules/stack/irsa";
import { ACCOUNT, irsaServiceAccount, provider, role, trustPolicy } from "../compliantStack";
import { messagesOf, policyTable, res } from "../support";

describe("stack policies", () => {
    describe("irsa-annotation-matches-role-trust", () => {
        const stack = () => ({ p: provider(), sa: irsaServiceAccount(), r: role() });
        const field = 'metadata.annotations["eks.amazonaws.com/role-arn"]';
        const sa = 'ServiceAccount "relay" in namespace "messaging-mainnet"';
        policyTable(irsaAnnotationMatchesRoleTrust, stack, (s) => [s.p, s.sa, s.r], [
            {
                name: "an annotation that names no role of the stack",
                mutate: (s) =>
                    void (s.sa.props.metadata.annotations["eks.amazonaws.com/role-arn"] =
                        `arn:aws:iam::${ACCOUNT}:role/hand-made`),
                messages: [
                    `${sa}: ${field} is "arn:aws:iam::${ACCOUNT}:role/hand-made", which names no IAM role of ` +
                        `this stack; create the role here with its trust pinned to ` +
                        `"system:serviceaccount:messaging-mainnet:relay", or correct the annotation.`,
                ],
            },
            {
                name: "a role that trusts another service account",
                mutate: (s) =>
                    void (s.r.props.assumeRolePolicy = trustPolicy("system:serviceaccount:messaging-mainnet:api")),
                messages: [
                    `${sa}: ${field} names Role "relay-irsa", whose trust admits ` +
                        `["system:serviceaccount:messaging-mainnet:api"], not ` +
                        `"system:serviceaccount:messaging-mainnet:relay"; pin the role's :sub condition to ` +
                        `"system:serviceaccount:messaging-mainnet:relay".`,
                ],
            },
            {
                name: "a service account in another namespace",
                mutate: (s) => void (s.sa.props.metadata.namespace = "messaging-other"),
                messages: [
                    `ServiceAccount "relay" in namespace "messaging-other": ${field} names Role "relay-irsa", ` +
                        `whose trust admits ["system:serviceaccount:messaging-mainnet:relay"], not ` +
                        `"system:serviceaccount:messaging-other:relay"; pin the role's :sub condition to ` +
                        `"system:serviceaccount:messaging-other:relay".`,
                ],
            },
            {
                name: "a role that also trusts another service account",
                mutate: (s) => {
                    const doc = JSON.parse(s.r.props.assumeRolePolicy);
                    doc.Statement.push(
                        JSON.parse(trustPolicy("system:serviceaccount:messaging-mainnet:api")).Statement[0],
                    );
                    s.r.props.assumeRolePolicy = JSON.stringify(doc);
                },
                messages: [
                    `${sa}: ${field} names Role "relay-irsa", whose trust admits ` +
                        `["system:serviceaccount:messaging-mainnet:relay","system:serviceaccount:messaging-mainnet:api"]; ` +
                        `trust exactly "system:serviceaccount:messaging-mainnet:relay" (one role per service ` +
                        `account) so no other pod can use its permissions.`,
                ],
            },
        ]);

        it("matches the role by its ARN and name outputs, and reads nothing into a placeholder's name", async () => {
            // As the harness records a role without a name input: name and ARN are outputs.
            const auto = role();
            delete auto.props.name;
            auto.outputs = {
                name: "relay-irsa-mocksfx",
                arn: `arn:aws:iam::${ACCOUNT}:role/relay-irsa-mocksfx`,
                id: "relay-irsa-mocksfx",
            };
            const s = irsaServiceAccount();
            s.props.metadata.annotations["eks.amazonaws.com/role-arn"] = auto.outputs.arn;
            assert.deepEqual(await messagesOf(irsaAnnotationMatchesRoleTrust, [provider(), s, auto]), []);
            const r = role();
            r.props.arn = "arn:aws:iam::777788889999:role/relay-irsa-7f3e2a1";
            delete r.props.name;
            s.props.metadata.annotations["eks.amazonaws.com/role-arn"] = r.props.arn;
            assert.deepEqual(await messagesOf(irsaAnnotationMatchesRoleTrust, [provider(), s, r]), []);
            s.props.metadata.annotations["eks.amazonaws.com/role-arn"] = "mock-arn-of-iam/role-relay-irsa";
            assert.deepEqual(await messagesOf(irsaAnnotationMatchesRoleTrust, [provider(), s, role()]), [
                'ServiceAccount "relay" in namespace "messaging-mainnet": ' +
                    'metadata.annotations["eks.amazonaws.com/role-arn"] is "mock-arn-of-iam/role-relay-irsa", ' +
                    "which names no IAM role of this stack; create the role here with its trust pinned to " +
                    '"system:serviceaccount:messaging-mainnet:relay", or correct the annotation.',
            ]);
        });
    });

    describe("irsa-role-used-by-service-account", () => {
        const unused =
            'Role "relay-irsa" trusts ["system:serviceaccount:messaging-mainnet:relay"] but no ' +
            "ServiceAccount in this stack has a eks.amazonaws.com/role-arn annotation naming it; " +
            "annotate that service account with the role's ARN, or delete the role: an unused role is " +
            "a standing credential nobody reviews.";
        policyTable(
            irsaRoleUsed,
            () => ({ sa: irsaServiceAccount(), r: role() }),
            (s) => [s.sa, s.r],
            [
                {
                    name: "no annotated service account",
                    mutate: (s) => void delete s.sa.props.metadata.annotations,
                    messages: [unused],
                },
                {
                    name: "the annotation names another role",
                    mutate: (s) =>
                        void (s.sa.props.metadata.annotations["eks.amazonaws.com/role-arn"] =
                            `arn:aws:iam::${ACCOUNT}:role/other`),
                    messages: [unused],
                },
            ],
        );

        it("ignores roles that are not IRSA roles", async () => {
            const r = res("aws:iam/role:Role", "ec2", {
                assumeRolePolicy: JSON.stringify({
                    Statement: [
                        { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
                    ],
                }),
            });
            assert.deepEqual(await messagesOf(irsaRoleUsed, [r]), []);
        });
    });
});
