/**
 * The pod-security rules against the Kubernetes project's own labelled Pod Security Admission
 * test pods (tests/fixtures/psa, v1.33 and v1.35): every fail pod is flagged by the policy of
 * its check, no restricted pass pod is flagged at all, and a baseline pass pod is flagged only by
 * restricted controls. Each file is loaded with the `yaml` package and run through the real
 * policies as a Pod resource, and through the pure {@link checkPodSecurity}.
 *
 * Where PSA reports a control under another ID (restricted checks override baseline ones) or
 * versions differ, the accepted equivalent is listed in {@link EQUIVALENT_CONTROLS}.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { evaluatePolicies, OfflineResource } from "../offline";
import { checkPodSecurity, policyForControl, PSS_CONTROL_LEVEL, PssControl, pssPolicies } from "../rules/podSecurity";
import { podTemplateOf } from "../rules/pods";
import { urnOf } from "./support";

const CORPUS = path.join(__dirname, "fixtures", "psa");

interface CorpusRow {
    version: string;
    level: "baseline" | "restricted";
    check: string;
    file: string;
    kind: string;
    expected: "pass" | "fail";
}

const rows: CorpusRow[] = fs
    .readFileSync(path.join(CORPUS, "index.tsv"), "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => {
        const [version, level, check, file, kind, expected] = line.split("\t");
        return {
            version,
            level: level as CorpusRow["level"],
            check,
            file,
            kind,
            expected: expected as CorpusRow["expected"],
        };
    });

/** PSA check IDs (lower case, as in the corpus) to this pack's control names. */
const CONTROL_BY_CHECK = new Map((Object.keys(PSS_CONTROL_LEVEL) as PssControl[]).map((c) => [c.toLowerCase(), c]));

/**
 * Controls that count as the corpus check:
 * - restricted checks override baseline ones, so a hostPath volume reports as hostPathVolumes
 *   (restrictedvolumes files) and an Unconfined profile as seccompProfile_baseline
 *   (seccompprofile_restricted files);
 * - v1.33 -> v1.35: `hostUsers: false` + `procMount: Unmasked` was a baseline (procmount)
 *   failure in v1.33; v1.35 allows it at baseline and forbids it in the new restricted
 *   procMount_restricted check, which is what flags the v1.33 procmount files here.
 */
const EQUIVALENT_CONTROLS: Partial<Record<PssControl, PssControl[]>> = {
    restrictedVolumes: ["hostPathVolumes"],
    seccompProfile_restricted: ["seccompProfile_baseline"],
    procMount: ["procMount_restricted"],
};

function load(file: string): Record<string, unknown> {
    return parse(fs.readFileSync(path.join(CORPUS, file), "utf8")) as Record<string, unknown>;
}

function asPod(file: string, doc: Record<string, unknown>): OfflineResource {
    const name = file.replace(/[/.]/g, "-");
    return {
        type: "kubernetes:core/v1:Pod",
        name,
        urn: urnOf("kubernetes:core/v1:Pod", name),
        props: doc,
        options: {},
    };
}

describe("pod security vs. the Kubernetes PSA corpus", () => {
    it("lists every file of the corpus directories in index.tsv", () => {
        const listed = new Set(rows.map((r) => r.file));
        for (const version of ["v1.33", "v1.35"]) {
            for (const file of fs.readdirSync(path.join(CORPUS, version)))
                assert.ok(listed.has(`${version}/${file}`), `${version}/${file} is not in index.tsv`);
        }
        assert.equal(rows.length, 276);
    });

    for (const row of rows) {
        const verdict =
            row.expected === "fail"
                ? `flagged by the policy for ${row.check}`
                : row.level === "restricted"
                  ? "not flagged"
                  : "flagged by restricted controls only";
        it(`${row.file}: ${verdict}`, async () => {
            const doc = load(row.file);
            assert.equal(doc.kind, row.kind);
            const pod = podTemplateOf("kubernetes:core/v1:Pod", doc);
            assert.ok(pod, "the file holds a pod spec");
            const findings = checkPodSecurity(pod);
            const violations = await evaluatePolicies([asPod(row.file, doc)], { policies: pssPolicies });
            const flaggedBy = new Set(violations.map((v) => v.policyName));
            // The policies report exactly what the pure checks find.
            assert.deepEqual(violations.map((v) => v.message).sort(), findings.map((f) => f.message).sort());

            if (row.expected === "fail") {
                const control = CONTROL_BY_CHECK.get(row.check);
                assert.ok(control, `unknown PSA check ${row.check}`);
                assert.ok(
                    flaggedBy.has(policyForControl(control)),
                    `expected ${policyForControl(control)} to flag ${row.file}; got ${[...flaggedBy].join(", ") || "nothing"}`,
                );
                const accepted = [control, ...(EQUIVALENT_CONTROLS[control] ?? [])];
                assert.ok(
                    findings.some((f) => accepted.includes(f.control)),
                    `expected a finding for ${accepted.join(" or ")}; got ${findings.map((f) => f.control).join(", ")}`,
                );
            } else if (row.level === "restricted") {
                assert.deepEqual(violations, []);
            } else {
                const baseline = findings.filter((f) => PSS_CONTROL_LEVEL[f.control] === "baseline");
                assert.deepEqual(
                    baseline.map((f) => f.message),
                    [],
                    "a baseline pass pod breaks no baseline control",
                );
            }
        });
    }
});
