import * as assert from "node:assert/strict";
import { otherNetworkNamed } from "../../components/network";
import {
    checkCronSchedule,
    checkNetworkCidr,
    checkPinnedImage,
    isFqdn,
    isLabel,
    parseDurationSeconds,
    parseImageReference,
} from "../../components/validators";

describe("config value checks", () => {
    const table: [string, string | undefined][] = [
        ["registry.example.org/team/app:1.4.2", undefined],
        ["registry.example.org:5000/team/app:1.4.2", undefined],
        [`registry.example.org/team/app@sha256:${"a".repeat(64)}`, undefined],
        [`app:1.0@sha256:${"b".repeat(64)}`, undefined],
        ["app:latest", "tag"],
        ["app", "tag"],
        ["registry.example.org:5000/team/app", "tag"],
        ["App:1.0", "tag"],
        [`app@sha256:${"a".repeat(63)}`, "tag"],
    ];
    for (const [image, problem] of table) {
        it(`image ${image} is ${problem ? "rejected" : "accepted"}`, () =>
            assert.equal(checkPinnedImage(image) === undefined, problem === undefined));
    }
    it("parses image references into repository, tag and digest", () => {
        assert.deepEqual(parseImageReference("registry.example.org:5000/team/app:1.4.2"), {
            repository: "registry.example.org:5000/team/app",
            tag: "1.4.2",
            digest: undefined,
        });
    });
    it("accepts five-field cron and macros only", () => {
        assert.deepEqual(
            ["0 */6 * * *", "@daily", "*/15 1-5 * * MON-FRI", "0 0 * * * *", "61 * * * *", "", "@often"].map(
                (s) => checkCronSchedule(s) === undefined,
            ),
            [true, true, true, false, false, false, false],
        );
    });
    it("accepts only network CIDRs", () => {
        assert.deepEqual(
            ["10.0.0.0/8", "0.0.0.0/0", "2001:db8::/32", "10.0.0.1/8", "10.0.0.0/33", "10.0.0.0", "2001:db8::1/32"].map(
                (c) => checkNetworkCidr(c) === undefined,
            ),
            [true, true, true, false, false, false, false],
        );
    });
    it("accepts fully qualified lower-case host names only", () => {
        const table: [unknown, boolean][] = [
            ["api.messaging.example.org", true],
            ["relay.devnet.example.org", true],
            ["a.b", true],
            [`${"a".repeat(63)}.example.org`, true],
            // 4 x 61 + 9 = 253 characters, the most a DNS name may have; one more is too long.
            [`${"a".repeat(60)}.`.repeat(4) + "t".repeat(9), true],
            [`${"a".repeat(60)}.`.repeat(4) + "t".repeat(10), false],
            [`${"a".repeat(64)}.example.org`, false],
            ["localhost", false],
            ["API.example.org", false],
            ["api.example.org.", false],
            ["*.example.org", false],
            ["api..example.org", false],
            ["-api.example.org", false],
            ["api_v1.example.org", false],
            ["10.0.0.1", false],
            ["api.example.org:443", false],
            ["", false],
            [42, false],
        ];
        assert.deepEqual(
            table.filter(([host, ok]) => isFqdn(host) !== ok).map(([host]) => host),
            [],
        );
    });
    it("finds other networks' names as whole tokens only", () => {
        assert.deepEqual(
            [
                "rpc.mainnet.example.org",
                "mainnet-db",
                "MAINNET",
                "mainnetwork.example.org",
                "testnet.example.org",
                "arn:aws:s3:::bucket-devnet",
            ].map((v) => otherNetworkNamed(v, "testnet")),
            ["mainnet", "mainnet", "mainnet", undefined, undefined, "devnet"],
        );
    });
    it("reads Prometheus durations in hours, minutes and seconds, and nothing else", () => {
        const given = ["30s", "1m", "1h30m", "2h", "90s", "0s", "", "30", "1.5m", "1d", "30 s", "s"];
        assert.deepEqual(
            given.map((d) => parseDurationSeconds(d)),
            [30, 60, 5400, 7200, 90, undefined, undefined, undefined, undefined, undefined, undefined, undefined],
        );
    });
    it("accepts Kubernetes labels with an optional prefix and an empty value", () => {
        const given: [string, string][] = [
            ["release", "kube-prometheus-stack"],
            ["app.kubernetes.io/name", "relay"],
            ["grafana_dashboard", ""],
            ["release!", "x"],
            ["-release", "x"],
            ["Bad_Prefix/name", "x"],
            ["release", "-x"],
            ["a".repeat(64), "x"],
        ];
        assert.deepEqual(
            given.map(([k, v]) => isLabel(k, v)),
            [true, true, true, false, false, false, false, false],
        );
    });
});
