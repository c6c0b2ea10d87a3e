/**
 * PromQL read with Prometheus's own maintained grammar (`@prometheus-io/lezer-promql`, the parser of
 * Prometheus's web UI): syntax errors, and every vector selector with its metric name and label
 * matchers, so a spec can check what a query reads.
 */
import { parser } from "@prometheus-io/lezer-promql";

/** One vector selector: its metric name (empty when it has none) and its matchers by label. */
export interface ParsedSelector {
    name: string;
    matchers: Record<string, { op: string; value: string }>;
}

/** A query's syntax errors (where they are) and its selectors. */
export interface ParsedQuery {
    errors: string[];
    selectors: ParsedSelector[];
}

/** Parses one PromQL expression. */
export function parsePromql(expr: string): ParsedQuery {
    const tree = parser.parse(expr);
    const errors: string[] = [];
    const selectors: ParsedSelector[] = [];
    const text = (from: number, to: number) => expr.slice(from, to);
    tree.iterate({
        enter: (node) => {
            if (node.type.isError)
                errors.push(`syntax error at ${node.from}: ${JSON.stringify(text(node.from, node.to + 20))}`);
            if (node.name !== "VectorSelector") return;
            const selector: ParsedSelector = { name: "", matchers: {} };
            const name = node.node.getChild("Identifier");
            if (name) selector.name = text(name.from, name.to);
            for (const matcher of node.node.getChild("LabelMatchers")?.getChildren("UnquotedLabelMatcher") ?? []) {
                const label = matcher.getChild("LabelName");
                const op = matcher.getChild("MatchOp");
                const value = matcher.getChild("StringLiteral");
                if (!label || !op || !value) continue;
                selector.matchers[text(label.from, label.to)] = {
                    op: text(op.from, op.to),
                    value: JSON.parse(text(value.from, value.to)) as string,
                };
            }
            selectors.push(selector);
        },
    });
    return { errors, selectors };
}
