import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import { runInMockEngine } from "../../harness/mockEngine";
import { toOfflineResource } from "../../harness/policies";
import { toPolicyResources } from "../../policies/offline";

describe("plan adapter", () => {
    it("hands resource policies the inputs and stack policies the outputs the mock answered", async () => {
        const run = await runInMockEngine(
            async () => {
                const provider = new aws.Provider("pinned", {
                    region: "us-east-1",
                    allowedAccountIds: ["777788889999"],
                });
                new aws.iam.Role(
                    "relay-role",
                    { name: "messaging-infra-mainnet-relay", assumeRolePolicy: "{}" },
                    { provider },
                );
            },
            { project: "messaging-infra", stack: "mainnet" },
        );
        const recorded = run.resources.find((r) => r.name === "relay-role");
        assert.ok(recorded);
        const offline = toOfflineResource(recorded);
        assert.equal(offline.props, recorded.inputs);
        assert.equal(offline.outputs, recorded.outputs);
        assert.equal(offline.parent, recorded.parent);
        assert.equal(offline.options, recorded.options);
        const [, role] = toPolicyResources(run.resources.map(toOfflineResource));
        assert.equal(role.props.arn, "arn:aws:iam::777788889999:role/messaging-infra-mainnet-relay");
        assert.equal(role.props.assumeRolePolicy, "{}");
        assert.equal(role.provider?.name, "pinned");
    });
});
