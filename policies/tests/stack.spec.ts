/**
 * Whole-stack rules: one passing stack and one mutation per failing condition, with exact
 * messages (and the URN each violation is reported against where it matters).
 */
import * as assert from "node:assert/strict";
import type { PolicyResource } from "@pulumi/policy";
import { OfflineResource, toPolicyResources } from "../offline";
import {
    backupForStatefulStores,
    companionOf,
    irsaAnnotationMatchesRoleTrust,
    irsaRoleUsed,
    namespaceDefaultDeny,
    networkNamespaceIsolation,
    pdbForReplicatedWorkloads,
    s3BucketCompanions,
    selectorMatches,
    statefulResourcesProtected,
} from "../rules/stack";
import {
    ACCOUNT,
    bucket,
    bucketPolicy,
    cronJob,
    defaultDeny,
    deployment,
    hpa,
    irsaServiceAccount,
    kmsKey,
    namespace,
    pdb,
    provider,
    publicAccessBlock,
    role,
    secret,
    sse,
    statefulSet,
    trustPolicy,
    versioning,
} from "./compliantStack";
import { messagesOf, policyTable, res, runPolicy, urnOf } from "./support";

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

    describe("pdb-for-replicated-workloads", () => {
        const stack = () => ({
            p: provider(),
            d: deployment(),
            h: hpa(),
            pd: pdb(),
            s: statefulSet(),
            ps: pdb("object-store"),
        });
        const fix =
            "add one whose spec.selector matches them (e.g. maxUnavailable 1) so node drains and upgrades keep it serving.";
        const relayLabels = '{"app.kubernetes.io/name":"relay","app.kubernetes.io/instance":"mainnet"}';
        const storeLabels = '{"app.kubernetes.io/name":"object-store","app.kubernetes.io/instance":"mainnet"}';
        policyTable(pdbForReplicatedWorkloads, stack, (s) => [s.p, s.d, s.h, s.pd, s.s, s.ps], [
            {
                name: "an HPA-scaled Deployment without a PDB",
                mutate: (s) => void (s.pd.type = "kubernetes:core/v1:ConfigMap"),
                messages: [
                    `Deployment "relay" in namespace "messaging-mainnet" is scaled by HorizontalPodAutoscaler ` +
                        `"relay" but no PodDisruptionBudget (policy/v1) in "messaging-mainnet" selects its pod ` +
                        `labels ${relayLabels}; ${fix}`,
                ],
            },
            {
                name: "a PDB whose selector misses the pods",
                mutate: (s) =>
                    void (s.ps.props.spec.selector = { matchLabels: { "app.kubernetes.io/name": "objectstore" } }),
                messages: [
                    `StatefulSet "object-store" in namespace "messaging-mainnet" has spec.replicas 2 but no ` +
                        `PodDisruptionBudget (policy/v1) in "messaging-mainnet" selects its pod labels ` +
                        `${storeLabels}; ${fix}`,
                ],
            },
            {
                name: "a PDB without a selector (selects nothing in policy/v1)",
                mutate: (s) => void delete s.ps.props.spec.selector,
                messages: [
                    `StatefulSet "object-store" in namespace "messaging-mainnet" has spec.replicas 2 but no ` +
                        `PodDisruptionBudget (policy/v1) in "messaging-mainnet" selects its pod labels ` +
                        `${storeLabels}; ${fix}`,
                ],
            },
            {
                name: "a PDB in another namespace",
                mutate: (s) => void (s.ps.props.metadata.namespace = "messaging-other"),
                messages: [
                    `StatefulSet "object-store" in namespace "messaging-mainnet" has spec.replicas 2 but no ` +
                        `PodDisruptionBudget (policy/v1) in "messaging-mainnet" selects its pod labels ` +
                        `${storeLabels}; ${fix}`,
                ],
            },
        ]);

        it("needs no PDB for a single replica, nor for an HPA that cannot scale past one", async () => {
            const s = statefulSet();
            s.props.spec.replicas = 1;
            assert.deepEqual(await messagesOf(pdbForReplicatedWorkloads, [provider(), s]), []);
            const d = deployment();
            d.props.spec.replicas = 1;
            const pinned = hpa();
            pinned.props.spec.minReplicas = 1;
            pinned.props.spec.maxReplicas = 1;
            assert.deepEqual(await messagesOf(pdbForReplicatedWorkloads, [provider(), d, pinned]), []);
        });

        it("selectorMatches follows label-selector semantics", () => {
            const labels = { app: "relay", tier: "edge" };
            assert.equal(selectorMatches({}, labels), true);
            assert.equal(selectorMatches(undefined, labels), false);
            assert.equal(selectorMatches({ matchLabels: { app: "relay" } }, labels), true);
            assert.equal(selectorMatches({ matchLabels: { app: "api" } }, labels), false);
            assert.equal(
                selectorMatches(
                    { matchExpressions: [{ key: "tier", operator: "In", values: ["edge", "core"] }] },
                    labels,
                ),
                true,
            );
            assert.equal(
                selectorMatches({ matchExpressions: [{ key: "tier", operator: "NotIn", values: ["edge"] }] }, labels),
                false,
            );
            assert.equal(
                selectorMatches({ matchExpressions: [{ key: "zone", operator: "DoesNotExist" }] }, labels),
                true,
            );
            assert.equal(selectorMatches({ matchExpressions: [{ key: "zone", operator: "Exists" }] }, labels), false);
        });
    });

    describe("backup-for-stateful-stores", () => {
        const stack = () => ({ p: provider(), s: statefulSet(), c: cronJob() });
        const missing =
            'StatefulSet "object-store" in namespace "messaging-mainnet" keeps data in ' +
            'spec.volumeClaimTemplates ["data"] but no CronJob in "messaging-mainnet" carries ' +
            'metadata.labels["messaging-infra/backup-of"] = "object-store"; add a backup CronJob with ' +
            "that label so the data survives the loss of its volume.";
        policyTable(backupForStatefulStores, stack, (s) => [s.p, s.s, s.c], [
            { name: "no backup label", mutate: (s) => void delete s.c.props.metadata.labels, messages: [missing] },
            {
                name: "a label naming another store",
                mutate: (s) => void (s.c.props.metadata.labels["messaging-infra/backup-of"] = "postgres"),
                messages: [missing],
            },
            {
                name: "the backup job in another namespace",
                mutate: (s) => void (s.c.props.metadata.namespace = "backups"),
                messages: [missing],
            },
            {
                name: "the backup job suspended",
                mutate: (s) => void (s.c.props.spec.suspend = true),
                messages: [
                    'StatefulSet "object-store" in namespace "messaging-mainnet" is backed up only by suspended ' +
                        'CronJobs ("object-store-backup" have spec.suspend true); resume one (spec.suspend false) ' +
                        "so backups actually run.",
                ],
            },
        ]);

        it("asks nothing of a StatefulSet without volume claim templates", async () => {
            const s = statefulSet();
            delete s.props.spec.volumeClaimTemplates;
            assert.deepEqual(await messagesOf(backupForStatefulStores, [provider(), s]), []);
        });
    });

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

    describe("s3-bucket-companions", () => {
        const stack = () => ({
            b: bucket(),
            pab: publicAccessBlock(),
            sse: sse(),
            v: versioning(),
            pol: bucketPolicy(),
        });
        const missing = (className: string, why: string, seen = "") =>
            `Bucket "backups" (identified by ["messaging-infra-mainnet-backups","backups"]) has no ${className} ` +
            `whose bucket input is this bucket${seen}; add an aws.s3.${className} with bucket set to ` +
            `the bucket's id ${why}.`;
        policyTable(s3BucketCompanions, stack, (s) => [s.b, s.pab, s.sse, s.v, s.pol], [
            {
                name: "no public-access block",
                mutate: (s) => void (s.pab.type = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"),
                messages: [missing("BucketPublicAccessBlock", "so the bucket can never be made public")],
            },
            {
                name: "no encryption configuration",
                mutate: (s) => void (s.sse.type = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"),
                messages: [
                    missing(
                        "BucketServerSideEncryptionConfiguration",
                        "so objects are encrypted under the network's KMS key",
                    ),
                ],
            },
            {
                name: "no versioning",
                mutate: (s) => void (s.v.type = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"),
                messages: [missing("BucketVersioning", "so overwritten and deleted objects stay recoverable")],
            },
            {
                name: "a bucket policy for another bucket",
                mutate: (s) => void (s.pol.props.bucket = "messaging-infra-mainnet-other"),
                messages: [
                    missing(
                        "BucketPolicy",
                        "so requests over plain HTTP are denied",
                        ' (BucketPolicy resources here reference ["messaging-infra-mainnet-other"], which match no bucket)',
                    ),
                ],
            },
        ]);

        it("matches companions by bucket name, id output, logical name, V2 types and property dependencies", async () => {
            const b = bucket();
            b.outputs = { id: "backups-20260101" };
            const companions = [publicAccessBlock(), sse(), versioning(), bucketPolicy()];
            companions[0].props.bucket = "backups-20260101";
            companions[1].type =
                "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2";
            companions[2].props.bucket = "backups";
            assert.deepEqual(await messagesOf(s3BucketCompanions, [b, ...companions]), []);
            const [bucketResource, policyResource] = toPolicyResources([
                bucket(),
                res("aws:s3/bucketPolicy:BucketPolicy", "p", { bucket: "unknowable" }),
            ]);
            const linked: PolicyResource = { ...policyResource, propertyDependencies: { bucket: [bucketResource] } };
            assert.equal(companionOf(policyResource, bucketResource), false);
            assert.equal(companionOf(linked, bucketResource), true);
        });
    });

    describe("stateful-resources-protected", () => {
        const pvc = () =>
            res(
                "kubernetes:core/v1:PersistentVolumeClaim",
                "scratch",
                { metadata: { name: "scratch", namespace: "messaging-mainnet" }, spec: {} },
                { protect: true },
            );
        const stack = () => ({ k: kmsKey(), s: secret(), b: bucket(), ss: statefulSet(), pvc: pvc() });
        const fix =
            "set protect: true (policy config requireProtect is true on this network) so Pulumi refuses to delete or replace it and its data.";
        const unprotect = (r: OfflineResource) => void (r.options.protect = false);
        policyTable(statefulResourcesProtected, stack, (s) => [s.k, s.s, s.b, s.ss, s.pvc], [
            {
                name: "KMS key",
                mutate: (s) => unprotect(s.k),
                messages: [`Key "network-key" has opts.protect false; ${fix}`],
            },
            {
                name: "Secrets Manager secret",
                mutate: (s) => void delete s.s.options.protect,
                messages: [`Secret "relay-operator-keys" has opts.protect false; ${fix}`],
            },
            {
                name: "bucket",
                mutate: (s) => unprotect(s.b),
                messages: [`Bucket "backups" has opts.protect false; ${fix}`],
            },
            {
                name: "StatefulSet",
                mutate: (s) => unprotect(s.ss),
                messages: [
                    `StatefulSet "object-store" in namespace "messaging-mainnet" has opts.protect false; ${fix}`,
                ],
            },
            {
                name: "PersistentVolumeClaim",
                mutate: (s) => unprotect(s.pvc),
                messages: [
                    `PersistentVolumeClaim "scratch" in namespace "messaging-mainnet" has opts.protect false; ${fix}`,
                ],
            },
        ]);

        it("asks nothing when requireProtect is false (devnet)", async () => {
            const k = kmsKey();
            k.options.protect = false;
            assert.deepEqual(await messagesOf(statefulResourcesProtected, [k], { requireProtect: false }), []);
        });
    });

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
