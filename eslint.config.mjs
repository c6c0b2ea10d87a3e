// Lint: typescript-eslint's recommended rules everywhere, plus Pulumi's own rules
// (no Output inside a plain template literal), which need type information.
import tseslint from "typescript-eslint";
import pulumi from "@pulumi/eslint-plugin";

export default tseslint.config(
    { ignores: ["node_modules/**", "bin/**", "**/*.js", "**/*.mjs"] },
    ...tseslint.configs.recommended,
    {
        files: ["**/*.ts"],
        languageOptions: {
            parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
        },
        plugins: { "@pulumi": pulumi },
        rules: {
            "@pulumi/no-output-in-template-literal": "error",
            "@pulumi/no-output-instance-in-template-literal": "error",
            "@typescript-eslint/no-floating-promises": "error",
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
            "prefer-const": "error",
            eqeqeq: ["error", "always"],
            // Prettier wraps code at 120; what it cannot wrap (a long string or regex) still stops at 160.
            "max-len": ["error", { code: 160, tabWidth: 4 }],
        },
    },
);
