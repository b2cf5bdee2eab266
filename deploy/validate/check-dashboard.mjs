// check-dashboard.mjs: the Grafana dashboard is valid JSON in Grafana's
// dashboard model, every query parses as PromQL, uses only srv6-bpf's metrics
// (metrics.txt) and their labels, and reads the data source and the template
// variables the dashboard defines. One line per problem; exit status 1 if any.
//
//   node check-dashboard.mjs --metrics metrics.txt DASHBOARD.json
import fs from "node:fs";
import { parseArgs } from "node:util";
import { checkExpr, loadMetrics, substituteGrafana } from "./promql.mjs";

const { values: opt, positionals: [file] } = parseArgs({
	allowPositionals: true,
	options: { metrics: { type: "string" } },
});
if (!opt.metrics || !file)
	throw new Error("usage: node check-dashboard.mjs --metrics metrics.txt DASHBOARD.json");
const metrics = loadMetrics(opt.metrics);

let problems = 0;
function problem(where, what) {
	problems++;
	console.log(`${file}: ${where}: ${what}`);
}

let dash;
try {
	dash = JSON.parse(fs.readFileSync(file, "utf8"));
} catch (e) {
	problem("(file)", `not JSON: ${e.message}`);
	process.exit(1);
}

// The dashboard model's fields a Grafana import needs.
for (const [key, type] of Object.entries({ title: "string", uid: "string", schemaVersion: "number",
	panels: "object", templating: "object", time: "object" }))
	if (typeof dash[key] !== type)
		problem("(top)", `"${key}" must be a ${type}`);
if (typeof dash.uid === "string" && !/^[A-Za-z0-9_-]{1,40}$/.test(dash.uid))
	problem("(top)", `uid "${dash.uid}": at most 40 letters, digits, - and _`);
if ("id" in dash && dash.id !== null)
	problem("(top)", "a numeric id ties the dashboard to one Grafana: leave it out");

// Template variables: a Prometheus data source variable, and query variables on it.
const vars = new Map((dash.templating?.list || []).map((v) => [v.name, v]));
const dsVar = [...vars.values()].find((v) => v.type === "datasource");
if (!dsVar || dsVar.query !== "prometheus")
	problem("templating", 'needs a data source variable with query "prometheus"');
const dsRef = dsVar ? `\${${dsVar.name}}` : null;
const referenced = (text) => [...String(text).matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g)]
	.map((m) => m[1]).filter((n) => !n.startsWith("__"));

function checkQuery(where, expr) {
	for (const v of referenced(expr))
		if (!vars.has(v))
			problem(where, `uses $${v}, not a variable of the dashboard`);
	const result = checkExpr(substituteGrafana(expr), metrics);
	for (const p of result.problems)
		problem(where, p);
	return result;
}

for (const v of vars.values()) {
	if (v.type !== "query")
		continue;
	const where = `variable ${v.name}`;
	if (v.datasource?.uid !== dsRef)
		problem(where, `data source must be ${dsRef}`);
	const q = typeof v.query === "string" ? v.query : v.query?.query;
	const m = /^label_values\((.*),\s*([A-Za-z_][A-Za-z0-9_]*)\)$/.exec(q || "");
	if (!m) {
		problem(where, `query "${q}": expected label_values(SELECTOR, LABEL)`);
		continue;
	}
	const { labels } = checkQuery(where, m[1]);
	if (!labels.has(m[2]))
		problem(where, `label_values of "${m[2]}", a label the selector's metric does not have`);
}

// Panels, rows included; ids unique; every target a PromQL query on the variable data source.
const all = [];
for (const p of dash.panels || []) {
	all.push(p);
	all.push(...(p.panels || []));
}
const ids = new Set();
const used = new Set();
for (const p of all) {
	const where = `panel ${p.id} "${p.title}"`;
	if (ids.has(p.id))
		problem(where, "duplicate panel id");
	ids.add(p.id);
	const g = p.gridPos;
	if (!g || ![g.h, g.w, g.x, g.y].every(Number.isInteger) || g.x + g.w > 24)
		problem(where, "gridPos needs integer h, w, x, y within the 24-column grid");
	if (p.type === "row")
		continue;
	if (p.datasource?.uid !== dsRef)
		problem(where, `data source must be ${dsRef}`);
	if (!p.targets?.length)
		problem(where, "no queries");
	for (const t of p.targets || []) {
		const tw = `${where} query ${t.refId}`;
		if (t.datasource && t.datasource.uid !== dsRef)
			problem(tw, `data source must be ${dsRef}`);
		if (typeof t.expr !== "string" || !t.expr) {
			problem(tw, "no expr");
			continue;
		}
		const { labels, metrics: m } = checkQuery(tw, t.expr);
		m.forEach((x) => used.add(x));
		for (const l of String(t.legendFormat || "").matchAll(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g))
			if (!labels.has(l[1]))
				problem(tw, `legend uses {{${l[1]}}}, a label the query's series do not carry`);
	}
}
// Panels must not overlap.
const cells = new Map();
const overlaps = new Set();
for (const p of all) {
	const g = p.gridPos;
	if (!g)
		continue;
	for (let y = g.y; y < g.y + g.h; y++)
		for (let x = g.x; x < g.x + g.w; x++) {
			const key = `${x},${y}`;
			if (cells.has(key) && !overlaps.has(`${p.id}/${cells.get(key)}`)) {
				overlaps.add(`${p.id}/${cells.get(key)}`);
				problem(`panel ${p.id} "${p.title}"`, `overlaps panel ${cells.get(key)}`);
			}
			cells.set(key, p.id);
		}
}
const dedupe = new Set();
for (const m of metrics.keys())
	if (!used.has(m) && !dedupe.has(m)) {
		dedupe.add(m);
		console.log(`${file}: note: no panel shows ${m}`);
	}
console.log(`check-dashboard: ${all.length} panels, ${used.size} of ${metrics.size} metrics used, ${problems} problems`);
process.exit(problems ? 1 : 0);
