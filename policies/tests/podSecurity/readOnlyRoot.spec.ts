/**
 * pod-read-only-root-filesystem (rules/podSecurity/readOnlyRoot.ts): the compliant relay Deployment
 * passes; a writable or unset root fails on every container list; Windows pods are skipped.
 */
import * as assert from "node:assert/strict";
import { readOnlyRootFilesystem } from "../../rules/podSecurity";
import { C0, deployment, pod, RELAY, S, secureContainer } from "../compliantStack";
import { messagesOf } from "../support";
import { table } from "./support";

describe("pod-security policies", () => {
    const fix =
        "set it to true and mount an emptyDir where the container must write (e.g. /tmp): a writable root lets " +
        "an intruder drop tools into the container and change the image's own files.";
    table("pod-read-only-root-filesystem", [
        {
            name: "a writable root",
            mutate: (d) => void (pod(d).containers![0].securityContext!.readOnlyRootFilesystem = false),
            messages: [`${C0}.securityContext.readOnlyRootFilesystem is false${RELAY}; ${fix}`],
        },
        {
            name: "readOnlyRootFilesystem unset",
            mutate: (d) => void delete pod(d).containers![0].securityContext!.readOnlyRootFilesystem,
            messages: [`${C0}.securityContext.readOnlyRootFilesystem is unset${RELAY}; ${fix}`],
        },
        {
            name: "an init container without a security context",
            mutate: (d) => void (pod(d).initContainers = [{ name: "migrate", image: "m:1" }]),
            messages: [
                `${S}.initContainers[0].securityContext.readOnlyRootFilesystem is unset (init container "migrate"); ${fix}`,
            ],
        },
        {
            name: "an ephemeral container with a writable root",
            mutate: (d) =>
                void (pod(d).ephemeralContainers = [
                    { ...secureContainer("debug", 1), securityContext: { readOnlyRootFilesystem: false } },
                ]),
            messages: [
                `${S}.ephemeralContainers[0].securityContext.readOnlyRootFilesystem is false (ephemeral container "debug"); ${fix}`,
            ],
        },
        {
            name: 'the string "true" (not a boolean)',
            mutate: (d) =>
                void ((pod(d).containers![0].securityContext as Record<string, unknown>).readOnlyRootFilesystem =
                    "true"),
            messages: [`${C0}.securityContext.readOnlyRootFilesystem is "true"${RELAY}; ${fix}`],
        },
    ]);

    it("pod-read-only-root-filesystem skips Windows pods, where Kubernetes forbids the field", async () => {
        const d = deployment();
        delete pod(d).containers![0].securityContext!.readOnlyRootFilesystem;
        pod(d).os = { name: "windows" };
        assert.deepEqual(await messagesOf(readOnlyRootFilesystem, d), []);
    });
});
