import * as assert from "node:assert/strict";
import { RecordedResource } from "../../harness/mockEngine";
import { toOfflineResource } from "../../harness/policies";
import { toPolicyResources } from "../../policies/offline";

describe("plan adapter", () => {
    const recorded: RecordedResource = {
        type: "aws:iam/role:Role",
        name: "relay-role",
        urn: "urn:pulumi:mainnet::messaging-infra::aws:iam/role:Role::relay-role",
        parent: "urn:pulumi:mainnet::messaging-infra::pulumi:pulumi:Stack::messaging-infra-mainnet",
        custom: true,
        inputs: { name: "messaging-infra-mainnet-relay" },
        secretPaths: [],
        outputs: {
            name: "messaging-infra-mainnet-relay",
            arn: "arn:aws:iam::777788889999:role/messaging-infra-mainnet-relay",
            id: "messaging-infra-mainnet-relay",
        },
        options: {
            protect: false,
            retainOnDelete: false,
            deleteBeforeReplace: false,
            ignoreChanges: [],
            additionalSecretOutputs: [],
            replaceOnChanges: [],
            dependsOn: [],
            aliases: [],
        },
    };

    it("hands resource policies the inputs and stack policies the outputs the mock answered", () => {
        const offline = toOfflineResource(recorded);
        assert.equal(offline.props, recorded.inputs);
        assert.equal(offline.outputs, recorded.outputs);
        assert.equal(offline.parent, recorded.parent);
        assert.deepEqual(toPolicyResources([offline])[0].props, recorded.outputs);
    });
});
