/**
 * The coverage table of policies/README.md ("Coverage"): exactly one row per rule of the pack, in
 * the pack's own names, each row with its four columns filled (an ID, "—" or a "similar" note), so
 * a new rule cannot land without saying what it corresponds to elsewhere.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { allPolicies } from "../rules";

/** The table rows under the README's "## Coverage" heading, as cells (header and rule line left out). */
function coverageRows(readme: string): string[][] {
    const start = readme.indexOf("\n## Coverage\n");
    assert.ok(start >= 0, 'policies/README.md has no "## Coverage" section');
    const end = readme.indexOf("\n## ", start + 1);
    const section = readme.slice(start, end < 0 ? undefined : end);
    return section
        .split("\n")
        .filter((line) => line.startsWith("|"))
        .slice(2)
        .map((line) =>
            line
                .slice(1, -1)
                .split("|")
                .map((cell) => cell.trim()),
        );
}

describe("policies/README.md coverage table", () => {
    const rows = coverageRows(fs.readFileSync(path.join(__dirname, "..", "README.md"), "utf8"));

    it("has exactly one row per rule of the pack, and no row for a rule the pack lacks", () => {
        const named = rows.map((cells) => /^`([a-z0-9-]+)`$/.exec(cells[0])?.[1] ?? `unparsed: ${cells[0]}`);
        const duplicates = named.filter((name, i) => named.indexOf(name) !== i);
        assert.deepEqual(duplicates, [], "rules with more than one row");
        assert.deepEqual(
            [...named].sort(),
            allPolicies.map((p) => p.name).sort(),
            "the table's rules and the pack's rules differ",
        );
    });

    it("fills the Polaris, kube-score, checkov and Pod Security Standards columns of every row", () => {
        for (const cells of rows) {
            assert.equal(cells.length, 5, `row ${cells[0]} has ${cells.length} cells`);
            for (const cell of cells.slice(1)) assert.notEqual(cell, "", `row ${cells[0]} has an empty cell`);
        }
    });
});
