// PromQL checks shared by the dashboard and the alert rules: the expression
// parses (Prometheus' own lezer grammar), every metric is one srv6-bpf exposes
// (metrics.txt), and every label it names exists on those metrics.
import fs from "node:fs";
import { parser } from "@prometheus-io/lezer-promql";

// A summary's series name -> its family (loadMetrics fills it).
const summaries = new Map();

// Labels Prometheus or the scrape configuration add to every series.
export const TARGET_LABELS = new Set(["instance", "job", "node", "pod", "namespace", "container",
	"endpoint", "service"]);

// metrics.txt: "NAME LABEL,LABEL=A|B,... [summary]" -> Map(name -> Map(label ->
// Set(values) | null)); a summary's series NAME_sum and NAME_count map to the
// same labels.
export function loadMetrics(file) {
	const metrics = new Map();
	summaries.clear();
	for (const raw of fs.readFileSync(file, "utf8").split("\n")) {
		const line = raw.trim();
		if (!line || line.startsWith("#"))
			continue;
		const [name, labels = "", type = ""] = line.split(/\s+/);
		const map = new Map();
		for (const l of labels.split(",").filter(Boolean)) {
			const [label, values] = l.split("=");
			map.set(label, values ? new Set(values.split("|")) : null);
		}
		metrics.set(name, map);
		if (type === "summary")
			for (const suffix of ["_sum", "_count"])
				summaries.set(name + suffix, name);
	}
	return metrics;
}

// Grafana's interval variables stand where PromQL wants a duration.
export function substituteGrafana(expr) {
	return expr.replace(/\$__(rate_interval|interval|range)\b/g, "5m")
		.replace(/\$\{__(rate_interval|interval|range)\}/g, "5m");
}

function unquote(s) {
	try {
		return s.startsWith("`") ? s.slice(1, -1) : JSON.parse(s.startsWith("'") ?
			`"${s.slice(1, -1).replace(/"/g, '\\"')}"` : s);
	} catch {
		return s.slice(1, -1);
	}
}

// checkExpr(expr, metrics) -> { problems: [string], metrics: Set, labels: Set }
// labels: what the result's series may carry (the metrics' labels + target labels).
export function checkExpr(expr, metrics) {
	const problems = [];
	const used = new Set();
	const text = (n) => expr.slice(n.from, n.to);
	const tree = parser.parse(expr);
	const selectors = [];
	const groupingLabels = [];

	tree.iterate({
		enter(ref) {
			if (ref.type.isError) {
				const at = expr.slice(ref.from, ref.from + 20) || "the end";
				problems.push(`does not parse at "${at}"`);
				return false;
			}
			if (ref.name === "VectorSelector") {
				selectors.push(ref.node);
				return true;
			}
			if (ref.name === "GroupingLabels") {
				for (let c = ref.node.firstChild; c; c = c.nextSibling)
					if (c.name === "LabelName")
						groupingLabels.push(text(c));
			}
			return true;
		},
	});

	const available = new Set(TARGET_LABELS);
	for (const sel of selectors) {
		const ident = sel.getChild("Identifier");
		if (!ident) {
			problems.push(`selector "${text(sel)}" names no metric`);
			continue;
		}
		const name = text(ident);
		const family = summaries.get(name) ?? name;
		const labels = metrics.get(family);
		if (!labels) {
			problems.push(`uses "${name}", not a metric srv6-bpf exposes (deploy/validate/metrics.txt)`);
			continue;
		}
		used.add(family);
		for (const l of labels.keys())
			available.add(l);
		const matchers = sel.getChild("LabelMatchers");
		if (!matchers)
			continue;
		for (let m = matchers.firstChild; m; m = m.nextSibling) {
			if (m.name !== "UnquotedLabelMatcher")
				continue;
			const label = text(m.getChild("LabelName"));
			const op = text(m.getChild("MatchOp"));
			const value = unquote(text(m.getChild("StringLiteral")));
			if (!labels.has(label) && !TARGET_LABELS.has(label)) {
				problems.push(`"${name}" has no label "${label}"`);
				continue;
			}
			const allowed = labels.get(label);
			if (!allowed || value.includes("$"))
				continue;
			// = takes one value; =~ with a plain alternation (a|b) takes each.
			const values = op === "=" || op === "!=" ? [value] :
				/^[A-Za-z0-9_|]+$/.test(value) ? value.split("|") : [];
			for (const v of values)
				if (!allowed.has(v))
					problems.push(`"${name}" label ${label} is never "${v}" (only ${[...allowed].join(", ")})`);
		}
	}
	for (const l of groupingLabels)
		if (!available.has(l))
			problems.push(`groups by "${l}", a label none of its metrics has`);
	return { problems, metrics: used, labels: available };
}
