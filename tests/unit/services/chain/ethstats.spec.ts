/** Ethstats, field by field: one Deployment pod, its reporting secret by secretKeyRef, its report URL. */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { Ethstats, ethstatsReportUrl } from "../../../../components/services/chain/ethstats";
import { MockRun, runInMockEngine } from "../../../../harness/mockEngine";
import {
    chainLabels,
    devnetChain,
    envOf,
    only,
    placement,
    runComponent,
    secretValue,
} from "../../../support/chainFixtures";

describe("chain: ethstats", () => {
    let run: MockRun<unknown>;
    before(async () => {
        run = await runComponent(
            () => new Ethstats("ethstats", { ...placement, chain: devnetChain(), wsSecret: secretValue("ws") }),
        );
    });
    const deployment = () => only(run.resources, "kubernetes:apps/v1:Deployment");
    const container = () => deployment().spec.template.spec.containers[0];

    it("is one Deployment pod that rolls by surge, never taking the old pod first (tradeoff 2)", () => {
        assert.deepEqual(deployment().metadata.labels, chainLabels("ethstats"));
        assert.equal(deployment().spec.replicas, 1);
        assert.deepEqual(deployment().spec.strategy, {
            type: "RollingUpdate",
            rollingUpdate: { maxUnavailable: 0, maxSurge: 1 },
        });
    });

    it("serves its dashboard and the nodes' WebSocket on 3000, metrics on 9545, behind a ClusterIP Service", () => {
        assert.deepEqual(
            container().ports.map((p: { name: string; containerPort: number }) => [p.name, p.containerPort]),
            [
                ["http", 3000],
                ["metrics", 9545],
            ],
        );
        assert.deepEqual(container().readinessProbe.httpGet, { path: "/", port: "http", scheme: "HTTP" });
        const service = run.resources.find((r) => r.name === "ethstats-workload-service")?.inputs as {
            spec: { type: string };
        };
        assert.equal(service.spec.type, "ClusterIP");
    });

    it("reads the nodes' reporting secret by secretKeyRef only", () => {
        assert.deepEqual(envOf(container()), {
            METRICS_PORT: "config:METRICS_PORT",
            PORT: "config:PORT",
            WS_SECRET: "secret:ethstats-secrets/ws-secret",
        });
    });

    it("builds a node's report URL as a secret, naming its Service", async () => {
        const url = ethstatsReportUrl("besu", pulumi.secret("s3cr3t"), "ethstats", "messaging-devnet");
        const { outputs } = await runInMockEngine(() => ({ url, secret: pulumi.isSecret(url) }), {
            project: "messaging-infra",
            stack: "devnet",
        });
        assert.deepEqual(outputs, {
            url: "besu:s3cr3t@ethstats.messaging-devnet.svc.cluster.local:3000",
            secret: true,
        });
    });
});
