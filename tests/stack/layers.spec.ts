/**
 * DESIGN.md's layers, enforced on the import graph: blocks never read config, the program never
 * imports the harness or tests, scripts and tests never import each other, the AGPL simulator stays
 * in tests, and no source file outgrows a room.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../../harness/stack";

/** Every TypeScript file under `dir` (relative to the repository), skipping dependencies. */
function sources(dir: string): string[] {
    const out: string[] = [];
    const walk = (relative: string) => {
        for (const entry of fs.readdirSync(path.join(REPO_ROOT, relative), { withFileTypes: true })) {
            const child = path.join(relative, entry.name);
            if (entry.isDirectory()) {
                if (entry.name !== "node_modules" && entry.name !== "bin") walk(child);
            } else if (entry.name.endsWith(".ts")) out.push(child);
        }
    };
    walk(dir);
    return out.sort();
}

/** The modules a file imports: relative ones resolved to repository paths, packages by name. */
function importsOf(file: string): string[] {
    const text = fs.readFileSync(path.join(REPO_ROOT, file), "utf8");
    const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*|require\(\s*)["']([^"']+)["']/g)].map((m) => m[1]);
    return specifiers.map((s) => (s.startsWith(".") ? path.normalize(path.join(path.dirname(file), s)) : s));
}

/** Pairs `<file> imports <module>` where a file under one of `from` imports a module matching `forbidden`. */
function violations(from: string[], forbidden: (module: string) => boolean): string[] {
    return from.flatMap((dir) =>
        sources(dir).flatMap((file) =>
            importsOf(file)
                .filter(forbidden)
                .map((m) => `${file} imports ${m}`),
        ),
    );
}

const under =
    (...dirs: string[]) =>
    (module: string) =>
        dirs.some((d) => module === d || module.startsWith(`${d}/`));

describe("layers", () => {
    it("no block under components/aws or components/k8s imports the config loader or zod", () => {
        assert.deepEqual(
            violations(["components/aws", "components/k8s"], (m) => under("components/config")(m) || m === "zod"),
            [],
        );
    });

    it("the program and the policy pack never import the harness, tests or scripts", () => {
        const program = ["components", "policies/rules"];
        assert.deepEqual(violations(program, under("harness", "tests", "scripts")), []);
        assert.deepEqual(
            importsOf("index.ts").filter(under("harness", "tests", "scripts")),
            [],
            "index.ts imports the harness",
        );
    });

    it("scripts and tests do not import each other; both use the harness", () => {
        assert.deepEqual(violations(["scripts"], under("tests")), []);
        assert.deepEqual(violations(["tests", "policies/tests"], under("scripts")), []);
        assert.deepEqual(violations(["harness"], under("tests", "scripts")), []);
    });

    it("the AGPL IAM simulator is imported by tests only", () => {
        const simulator = (m: string) => m.startsWith("@cloud-copilot/");
        assert.deepEqual(violations(["components", "policies/rules", "harness", "scripts"], simulator), []);
        assert.deepEqual(importsOf("index.ts").filter(simulator), []);
        assert.ok(violations(["tests"], simulator).length > 0, "the IAM simulator is used by the tests");
    });

    it("no program source file is over 330 lines", () => {
        const long = sources("components")
            .map((file) => [file, fs.readFileSync(path.join(REPO_ROOT, file), "utf8").split("\n").length] as const)
            .filter(([, lines]) => lines > 330)
            .map(([file, lines]) => `${file}: ${lines} lines`);
        assert.deepEqual(long, []);
    });
});
