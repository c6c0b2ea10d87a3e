import * as assert from "node:assert/strict";
import {
    autoName,
    awsProviderLocation,
    AwsLocation,
    partitionOf,
    placeholderState,
    providerOfReference,
    UNKNOWN_AWS_LOCATION,
} from "../../harness/placeholders";

const MAINNET: AwsLocation = { region: "us-east-1", account: "777788889999" };

describe("mock-engine placeholders", () => {
    describe("placeholderState", () => {
        const cases: {
            name: string;
            type: string;
            logical: string;
            inputs: Record<string, unknown>;
            at?: AwsLocation;
            id: string;
            computed: Record<string, unknown>;
        }[] = [
            {
                name: "KMS key: a mock key id inside the key ARN, the key id as id",
                type: "aws:kms/key:Key",
                logical: "network-key",
                inputs: { enableKeyRotation: true },
                at: MAINNET,
                id: "mock-key-id-of-network-key",
                computed: {
                    keyId: "mock-key-id-of-network-key",
                    arn: "arn:aws:kms:us-east-1:777788889999:key/mock-key-id-of-network-key",
                },
            },
            {
                name: "KMS alias: the alias name in the ARN, the name as id",
                type: "aws:kms/alias:Alias",
                logical: "network-alias",
                inputs: { name: "alias/messaging-infra-mainnet", targetKeyId: "mock-key-id-of-network-key" },
                at: MAINNET,
                id: "alias/messaging-infra-mainnet",
                computed: {
                    name: "alias/messaging-infra-mainnet",
                    arn: "arn:aws:kms:us-east-1:777788889999:alias/messaging-infra-mainnet",
                },
            },
            {
                name: "Secrets Manager secret: AWS's random ARN suffix is -mockid, the ARN is the id",
                type: "aws:secretsmanager/secret:Secret",
                logical: "relay-keys-secret",
                inputs: { name: "messaging-infra/mainnet/relay-operator-keys" },
                at: MAINNET,
                id: "arn:aws:secretsmanager:us-east-1:777788889999:secret:messaging-infra/mainnet/relay-operator-keys-mockid",
                computed: {
                    name: "messaging-infra/mainnet/relay-operator-keys",
                    arn: "arn:aws:secretsmanager:us-east-1:777788889999:secret:messaging-infra/mainnet/relay-operator-keys-mockid",
                },
            },
            {
                name: "IAM role: global ARN with the path, the name as id",
                type: "aws:iam/role:Role",
                logical: "relay-role",
                inputs: { name: "messaging-infra-mainnet-relay", path: "/messaging/" },
                at: MAINNET,
                id: "messaging-infra-mainnet-relay",
                computed: {
                    name: "messaging-infra-mainnet-relay",
                    path: "/messaging/",
                    arn: "arn:aws:iam::777788889999:role/messaging/messaging-infra-mainnet-relay",
                },
            },
            {
                name: "IAM role without a name: Pulumi's auto-name, suffix labelled",
                type: "aws:iam/role:Role",
                logical: "relay-role",
                inputs: {},
                at: MAINNET,
                id: "relay-role-mocksfx",
                computed: {
                    name: "relay-role-mocksfx",
                    path: "/",
                    arn: "arn:aws:iam::777788889999:role/relay-role-mocksfx",
                },
            },
            {
                name: "S3 bucket: no region or account in the ARN, the bucket name as id",
                type: "aws:s3/bucket:Bucket",
                logical: "backups-bucket",
                inputs: { bucket: "messaging-infra-mainnet-backups-777788889999" },
                at: MAINNET,
                id: "messaging-infra-mainnet-backups-777788889999",
                computed: {
                    bucket: "messaging-infra-mainnet-backups-777788889999",
                    arn: "arn:aws:s3:::messaging-infra-mainnet-backups-777788889999",
                },
            },
            {
                name: "a resource whose provider is unknown: mock-region and account 000000000000",
                type: "aws:kms/key:Key",
                logical: "key",
                inputs: {},
                id: "mock-key-id-of-key",
                computed: {
                    keyId: "mock-key-id-of-key",
                    arn: "arn:aws:kms:mock-region:000000000000:key/mock-key-id-of-key",
                },
            },
            {
                name: "a China region: the aws-cn partition",
                type: "aws:secretsmanager/secret:Secret",
                logical: "s",
                inputs: { name: "n" },
                at: { region: "cn-north-1", account: "777788889999" },
                id: "arn:aws-cn:secretsmanager:cn-north-1:777788889999:secret:n-mockid",
                computed: { name: "n", arn: "arn:aws-cn:secretsmanager:cn-north-1:777788889999:secret:n-mockid" },
            },
            {
                name: "another AWS type: labelled stand-ins",
                type: "aws:s3/bucketVersioning:BucketVersioning",
                logical: "backups-versioning",
                inputs: { bucket: "b" },
                at: MAINNET,
                id: "mock-id-of-backups-versioning",
                computed: { arn: "mock-arn-of-s3/bucketVersioning-backups-versioning" },
            },
            {
                name: "RandomBytes: exactly `length` bytes, hex and base64, that begin with bytes saying mock",
                type: "random:index/randomBytes:RandomBytes",
                logical: "k",
                inputs: { length: 32 },
                id: "mock-id-of-k",
                computed: {
                    hex: "6d6f636b2d8254c329a92850f6d539dd376f4816ee2764517da5e0235514af43",
                    base64: "bW9jay2CVMMpqShQ9tU53TdvSBbuJ2RRfaXgI1UUr0M=",
                },
            },
            {
                name: "RandomPassword",
                type: "random:index/randomPassword:RandomPassword",
                logical: "p",
                inputs: { length: 40 },
                id: "mock-id-of-p",
                computed: { result: "mock-random-password-of-p" },
            },
            {
                name: "a Kubernetes object: its inputs, a labelled id",
                type: "kubernetes:core/v1:ServiceAccount",
                logical: "relay-sa",
                inputs: { metadata: { name: "relay" } },
                id: "mock-id-of-relay-sa",
                computed: {},
            },
        ];
        for (const c of cases) {
            it(c.name, () => {
                const { id, state } = placeholderState(c.type, c.logical, c.inputs, c.at);
                assert.equal(id, c.id);
                const withId = c.type.startsWith("aws:") ? { id: c.id } : {};
                assert.deepEqual(state, { ...c.inputs, ...c.computed, ...withId });
            });
        }

        it("invents nothing real-looking: every invented part says mock", () => {
            for (const c of cases) {
                const { state } = placeholderState(c.type, c.logical, c.inputs, c.at);
                for (const key of ["keyId", "result"]) {
                    if (state[key] !== undefined) assert.match(String(state[key]), /^mock-/);
                }
                // Encoded bytes must parse as their encoding, so the bytes themselves say mock.
                if (state.hex !== undefined) assert.match(Buffer.from(String(state.hex), "hex").toString(), /^mock-/);
                if (state.base64 !== undefined) {
                    assert.match(Buffer.from(String(state.base64), "base64").toString(), /^mock-/);
                }
            }
        });
    });

    describe("awsProviderLocation", () => {
        const cases: [string, Record<string, unknown>, AwsLocation][] = [
            [
                "region and the JSON list the engine passes",
                { region: "us-east-1", allowedAccountIds: '["777788889999"]' },
                MAINNET,
            ],
            ["a plain list", { region: "us-east-1", allowedAccountIds: ["777788889999", "111122223333"] }, MAINNET],
            ["no account", { region: "eu-west-1" }, { region: "eu-west-1", account: "000000000000" }],
            ["nothing", {}, UNKNOWN_AWS_LOCATION],
            ["unreadable values", { region: "", allowedAccountIds: "not json" }, UNKNOWN_AWS_LOCATION],
        ];
        for (const [name, inputs, expected] of cases) {
            it(name, () => assert.deepEqual(awsProviderLocation(inputs), expected));
        }
    });

    describe("providerOfReference", () => {
        const cases: [string | undefined, { type: string; name: string } | undefined][] = [
            [
                "urn:pulumi:mainnet::messaging-infra::pulumi:pulumi:Stack$pulumi:providers:aws::mainnet-aws::mock-id-of-mainnet-aws",
                { type: "pulumi:providers:aws", name: "mainnet-aws" },
            ],
            [
                "urn:pulumi:s::p::pulumi:providers:aws::default_7_48_0::mock-id-of-default_7_48_0",
                { type: "pulumi:providers:aws", name: "default_7_48_0" },
            ],
            ["urn:pulumi:s::p::pulumi:providers:aws::no-id", undefined],
            ["not a reference", undefined],
            [undefined, undefined],
        ];
        for (const [reference, expected] of cases) {
            it(String(reference), () => assert.deepEqual(providerOfReference(reference), expected));
        }
    });

    it("partitionOf and autoName", () => {
        assert.equal(partitionOf("us-east-1"), "aws");
        assert.equal(partitionOf("cn-northwest-1"), "aws-cn");
        assert.equal(partitionOf("us-gov-west-1"), "aws-us-gov");
        assert.equal(partitionOf("mock-region"), "aws");
        assert.equal(autoName("relay-role"), "relay-role-mocksfx");
    });
});
