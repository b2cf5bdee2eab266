// check-manifests.mjs: every Kubernetes manifest in deploy/k8s against the
// Kubernetes schemas (strict: unknown fields are errors) and the custom
// resources' schemas, then srv6-bpf's own rules for them. One line per problem
// on stdout; exit status 1 if there is any.
//
//   node check-manifests.mjs --srv6-bpf BIN --caps "BPF NET_ADMIN PERFMON" \
//        --sync-caps "BPF NET_ADMIN" --metrics metrics.txt FILE.yaml...
//
// BIN is the staged binary: its version must be the images' tag, and every
// srv6-bpf command and --flag the containers run must be in its help.
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { parseArgs } from "node:util";
import YAML from "yaml";
import { join, validateBuiltin, validateCustom, validatePodTemplate, validatePrometheusOperator }
	from "./k8s.mjs";
import { checkExpr, loadMetrics } from "./promql.mjs";

const { values: opt, positionals: files } = parseArgs({
	allowPositionals: true,
	options: {
		"srv6-bpf": { type: "string" },
		caps: { type: "string" },
		"sync-caps": { type: "string" },
		metrics: { type: "string" },
	},
});
for (const o of ["srv6-bpf", "caps", "sync-caps", "metrics"])
	if (!opt[o])
		throw new Error(`check-manifests: --${o} is required`);

const BPFFS_HOST_PATH = "/sys/fs/bpf/srv6-bpf";
const loadCaps = opt.caps.split(/\s+/).filter(Boolean).sort();
const syncCaps = opt["sync-caps"].split(/\s+/).filter(Boolean).sort();
const metrics = loadMetrics(opt.metrics);
const isObj = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

let problemCount = 0;
function problem(where, what) {
	problemCount++;
	console.log(`${where}: ${what}`);
}

// --- srv6-bpf's version and help texts --------------------------------------

const bin = opt["srv6-bpf"];
const run = (args) => execFileSync(bin, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
const version = run(["--version"]).split(/\s+/)[1];
const commands = new Set(run(["help"]).split("\n")
	.map((l) => /^ {2}([a-z][a-z-]*)\b/.exec(l)?.[1]).filter(Boolean));
const helpCache = new Map();
function helpOf(cmd) {
	if (!helpCache.has(cmd)) {
		let text = null;
		try {
			text = run([cmd, "--help"]);
		} catch (e) {
			text = e.stdout || null;
		}
		helpCache.set(cmd, text);
	}
	return helpCache.get(cmd);
}

// --- load every document -----------------------------------------------------

const docs = [];
for (const file of files) {
	const text = fs.readFileSync(file, "utf8");
	const parsed = YAML.parseAllDocuments(text, { uniqueKeys: true, prettyErrors: true });
	for (const doc of parsed) {
		for (const e of [...doc.errors, ...doc.warnings])
			problem(file, `YAML: ${e.message.split("\n")[0]}`);
		if (doc.errors.length)
			continue;
		const obj = doc.toJS({ maxAliasCount: 1000 });
		if (obj === null || obj === undefined)
			continue;
		if (!isObj(obj) || !obj.apiVersion || !obj.kind || !isObj(obj.metadata)) {
			problem(file, "a document without apiVersion, kind and metadata");
			continue;
		}
		const ns = obj.metadata.namespace;
		docs.push({ file, obj, where: `${file}: ${obj.kind} ${ns ? `${ns}/` : ""}${obj.metadata.name}` });
	}
}
const dirOf = (d) => path.dirname(d.file);
// Objects a manifest refers to must come with it (same directory, same namespace).
function find(from, kind, name, ns) {
	return docs.find((d) => d.obj.kind === kind && d.obj.metadata.name === name &&
		(kind === "Namespace" || d.obj.metadata.namespace === ns) &&
		(dirOf(d) === dirOf(from) || path.dirname(dirOf(d)) === path.dirname(dirOf(from))));
}

// --- pod templates of the workloads -------------------------------------------

function podTemplates(d) {
	const o = d.obj;
	if (["DaemonSet", "StatefulSet", "Deployment", "Job"].includes(o.kind))
		return [{ template: o.spec?.template, base: "spec.template" }];
	if (o.kind === "PyTorchJob")
		return Object.entries(o.spec?.pytorchReplicaSpecs || {}).map(([role, r]) =>
			({ template: r?.template, base: `spec.pytorchReplicaSpecs.${role}.template` }));
	return [];
}

function containersOf(spec, base) {
	return [
		...(spec.initContainers || []).map((c, i) => ({ c, base: join(join(base, "initContainers"), i) })),
		...(spec.containers || []).map((c, i) => ({ c, base: join(join(base, "containers"), i) })),
	];
}

// The environment a container sees: env names, plus the keys of its ConfigMaps.
function envOf(d, c, where) {
	const env = new Map();
	for (const ref of c.envFrom || []) {
		const name = ref.configMapRef?.name;
		if (!name)
			continue;
		const cm = find(d, "ConfigMap", name, d.obj.metadata.namespace);
		if (!cm) {
			problem(where, `envFrom ConfigMap "${name}" is not defined next to it`);
			continue;
		}
		for (const [k, v] of Object.entries(cm.obj.data || {}))
			env.set(k, v);
	}
	for (const e of c.env || [])
		env.set(e.name, e.value ?? "(from valueFrom)");
	return env;
}

// "srv6-bpf [global options] CMD [SUB] args": the command, and the --flags used.
function checkSrv6BpfArgs(args, where) {
	let i = 0;
	while (i < args.length && args[i].startsWith("-")) {
		if (["--bpffs", "--platform"].includes(args[i]))
			i++;
		i++;
	}
	const cmd = args[i];
	if (!cmd) {
		problem(where, "runs srv6-bpf without a command");
		return;
	}
	if (!commands.has(cmd)) {
		problem(where, `runs "srv6-bpf ${cmd}": srv6-bpf ${version} has no such command (srv6-bpf help)`);
		return;
	}
	// run takes sync's options too ("run dev DEV [sync options]").
	const help = (helpOf(cmd) || "") + (cmd === "run" ? helpOf("sync") || "" : "");
	for (const a of args.slice(i + 1)) {
		if (!a.startsWith("--"))
			continue;
		const flag = a.split("=")[0];
		if (!new RegExp(`(^|[\\s\\[|,])${flag}\\b`).test(help))
			problem(where, `"srv6-bpf ${cmd} ${flag}": not an option of srv6-bpf ${cmd} (srv6-bpf ${cmd} --help)`);
	}
}

function checkInvocation(argv, where) {
	const prog = path.basename(argv[0] || "");
	if (prog === "srv6-bpf")
		checkSrv6BpfArgs(argv.slice(1), where);
	else if (prog === "srv6-bpf-setup" && argv[1] === "sync")
		checkSrv6BpfArgs(["sync", ...argv.slice(2)], where);
	else if (prog === "srv6-bpf-setup" && argv.length > 1)
		problem(where, `srv6-bpf-setup takes no arguments but "sync [OPTIONS]"`);
}

// Shell scripts (sh -c): the srv6-bpf commands in them, and the variables they read.
function checkScript(script, env, where) {
	const words = script.replace(/["']/g, " ").split(/\s+/).filter(Boolean);
	for (let i = 0; i < words.length; i++) {
		if (!["srv6-bpf", "srv6-bpf-setup"].includes(path.basename(words[i])))
			continue;
		const argv = [];
		for (let j = i; j < words.length && !["&&", "||", ";", "|"].includes(words[j]); j++) {
			argv.push(words[j].replace(/;$/, ""));
			if (words[j].endsWith(";"))
				break;
		}
		checkInvocation(argv, where);
	}
	const assigned = new Set([...script.matchAll(/(?:^|[\s;&(])(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=/g)]
		.map((m) => m[1]));
	const read = [...script.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]);
	for (const m of script.matchAll(/\$\(\((.*?)\)\)/g))
		read.push(...(m[1].match(/[A-Za-z_][A-Za-z0-9_]*/g) || []));
	for (const v of read)
		if (!env.has(v) && !assigned.has(v))
			problem(where, `the script reads $${v}, which the container's environment does not define`);
}

function checkContainer(d, spec, { c, base }, podWhere) {
	const where = `${podWhere}.${base} (${c.name})`;
	const env = envOf(d, c, where);
	const image = c.image || "";
	const isSrv6Bpf = /(^|\/)srv6-bpf:/.test(image);

	// Images: ours carries the binary's version.
	if (isSrv6Bpf && image.split(":").pop() !== version)
		problem(where, `image ${image}: the tag must be srv6-bpf's version ${version}`);

	// $(VAR) in command and args: Kubernetes leaves unknown ones as literal text.
	const argv = [...(c.command || []), ...(c.args || [])];
	for (const a of argv)
		for (const m of String(a).matchAll(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g))
			if (!env.has(m[1]))
				problem(where, `$(${m[1]}) in command/args is not in the container's environment`);
	if (["sh", "bash"].includes(path.basename(argv[0] || "")) && argv[1] === "-c")
		checkScript(argv.slice(2).join(" "), env, where);
	else
		checkInvocation(argv, where);

	// Least privilege.
	const sc = c.securityContext || {};
	const add = [...(sc.capabilities?.add || [])].map((x) => x.replace(/^CAP_/, "")).sort();
	if (sc.privileged)
		problem(where, "privileged: true (srv6-bpf needs only the capabilities listed in deploy/README.md)");
	if (sc.allowPrivilegeEscalation !== false)
		problem(where, "securityContext.allowPrivilegeEscalation must be false");
	if (!(sc.capabilities?.drop || []).includes("ALL"))
		problem(where, "securityContext.capabilities.drop must include ALL");
	if (add.length) {
		const expected = isSrv6Bpf ? loadCaps : syncCaps;
		if (add.join(" ") !== expected.join(" "))
			problem(where, `adds capabilities [${add.join(", ")}], expected [${expected.join(", ")}] ` +
				`(${isSrv6Bpf ? "loads the datapath" : "programs a loaded datapath"})`);
		const uid = sc.runAsUser ?? spec.securityContext?.runAsUser;
		if (uid !== 0)
			problem(where, "adds capabilities but does not run as uid 0: Kubernetes gives them to root only");
		// The pins: the host's bpffs directory, mounted outside /sys, named by SRV6_BPF_BPFFS.
		const bpffsVolumes = (spec.volumes || []).filter((v) => v.hostPath?.path === BPFFS_HOST_PATH)
			.map((v) => v.name);
		const mount = (c.volumeMounts || []).find((m) => bpffsVolumes.includes(m.name));
		if (!mount)
			problem(where, `adds capabilities but mounts no hostPath ${BPFFS_HOST_PATH} (the pins would not survive)`);
		else if (mount.mountPath.startsWith("/sys/"))
			problem(where, `mounts the bpffs at ${mount.mountPath}: default AppArmor profiles deny writes below /sys`);
		else if (env.get("SRV6_BPF_BPFFS") !== mount.mountPath)
			problem(where, `SRV6_BPF_BPFFS must be the bpffs mount ${mount.mountPath}`);
	}

	// Probes name ports the container has.
	const ports = new Set((c.ports || []).map((p) => p.name));
	for (const probe of ["livenessProbe", "readinessProbe", "startupProbe"]) {
		const port = c[probe]?.httpGet?.port;
		if (typeof port === "string" && !ports.has(port))
			problem(where, `${probe} uses port "${port}", which the container does not name`);
	}
	return { isSrv6Bpf, ports };
}

function checkPodTemplate(d, template, base) {
	const podWhere = `${d.where}: ${base}`;
	if (!isObj(template) || !isObj(template.spec))
		return;
	const spec = template.spec;
	const ns = d.obj.metadata.namespace;
	const annotations = template.metadata?.annotations || {};
	const metricPorts = [];
	for (const entry of containersOf(spec, "spec")) {
		const { ports } = checkContainer(d, spec, entry, podWhere);
		if (ports.has("metrics"))
			metricPorts.push(...entry.c.ports.filter((p) => p.name === "metrics").map((p) => String(p.containerPort)));
	}
	for (const v of spec.volumes || []) {
		if (v.hostPath && v.hostPath.path !== BPFFS_HOST_PATH)
			problem(podWhere, `volume ${v.name}: hostPath ${v.hostPath.path}; srv6-bpf needs only ${BPFFS_HOST_PATH}`);
		if (v.configMap && !find(d, "ConfigMap", v.configMap.name, ns))
			problem(podWhere, `volume ${v.name}: ConfigMap "${v.configMap.name}" is not defined next to it`);
	}
	const sa = spec.serviceAccountName;
	if (sa && !find(d, "ServiceAccount", sa, ns))
		problem(podWhere, `serviceAccountName "${sa}" is not defined next to it`);
	if (spec.automountServiceAccountToken !== false)
		problem(podWhere, "automountServiceAccountToken must be false: srv6-bpf calls no Kubernetes API");
	// Scrape annotations point at the metrics port.
	if (annotations["prometheus.io/scrape"] === "true" && !metricPorts.includes(annotations["prometheus.io/port"]))
		problem(podWhere, `prometheus.io/port ${annotations["prometheus.io/port"]} is no container's "metrics" port`);
	// Multus networks are defined next to the workload.
	const networks = annotations["k8s.v1.cni.cncf.io/networks"];
	if (networks) {
		const names = networks.trim().startsWith("[") ? JSON.parse(networks).map((n) => n.name) :
			networks.split(",").map((n) => n.trim().split("@")[0]);
		for (const n of names) {
			const [nsPart, name] = n.includes("/") ? n.split("/") : [ns, n];
			if (!find(d, "NetworkAttachmentDefinition", name, nsPart))
				problem(podWhere, `network "${n}" (k8s.v1.cni.cncf.io/networks) is not defined next to it`);
		}
	}
}

// --- custom resources' own rules -----------------------------------------------

// The training operator's admission webhook (pkg/webhooks/pytorch/pytorchjob_webhook.go, release-1.9).
function checkPyTorchJob(d) {
	const specs = d.obj.spec?.pytorchReplicaSpecs || {};
	for (const [role, r] of Object.entries(specs)) {
		const where = `${d.where}: spec.pytorchReplicaSpecs.${role}`;
		if (role === "Master" && r.replicas !== 1)
			problem(where, "replicas must be 1 for the Master");
		if (!(r.replicas >= 1))
			problem(where, "replicas must be at least 1");
		const containers = r.template?.spec?.containers || [];
		const pytorch = containers.find((c) => c.name === "pytorch");
		if (!pytorch)
			problem(where, 'needs a container named "pytorch" (the operator configures it)');
		for (const c of containers)
			if (!c.image)
				problem(where, `container ${c.name} has no image`);
		if (role === "Master" && !(pytorch?.ports || []).some((p) => p.name === "pytorchjob-port"))
			problem(where, 'the "pytorch" container needs the port "pytorchjob-port" (MASTER_PORT)');
	}
}

function checkNetworkAttachment(d) {
	let conf;
	try {
		conf = JSON.parse(d.obj.spec?.config || "");
	} catch (e) {
		problem(d.where, `spec.config is not JSON: ${e.message}`);
		return;
	}
	const plugins = conf.plugins || [conf];
	if (!conf.cniVersion)
		problem(d.where, "spec.config has no cniVersion");
	if (conf.name !== d.obj.metadata.name)
		problem(d.where, `spec.config name "${conf.name}" differs from metadata.name`);
	for (const p of plugins) {
		if (!p.type)
			problem(d.where, "a CNI plugin without type");
		if (p.type === "sriov" && !d.obj.metadata.annotations?.["k8s.v1.cni.cncf.io/resourceName"])
			problem(d.where, "an sriov network needs the k8s.v1.cni.cncf.io/resourceName annotation");
		if (p.type === "macvlan" && !p.master)
			problem(d.where, "a macvlan network needs its master interface");
	}
	// srv6-bpf's outer header needs an IPv6 source on the interface.
	const ranges = plugins.flatMap((p) => [p.ipam?.range, ...(p.ipam?.ipRanges || []).map((r) => r.range),
		...(p.ipam?.addresses || []).map((a) => a.address)]).filter(Boolean);
	if (!ranges.some((r) => r.includes(":")))
		problem(d.where, "the network gives no IPv6 address: SRv6's outer header needs one");
}

function checkSelectorMatches(d, selector, what) {
	const labels = selector?.matchLabels || {};
	const ns = d.obj.metadata.namespace;
	const matched = docs.filter((o) => o.obj.metadata.namespace === ns).flatMap((o) => podTemplates(o))
		.filter(({ template }) => Object.entries(labels)
			.every(([k, v]) => template?.metadata?.labels?.[k] === v));
	if (!matched.length)
		problem(d.where, `${what} selects no pod template defined next to it`);
	return matched;
}

function checkPodMonitor(d) {
	const matched = checkSelectorMatches(d, d.obj.spec?.selector, "spec.selector");
	for (const ep of d.obj.spec?.podMetricsEndpoints || [])
		if (ep.port && matched.length && !matched.some(({ template }) =>
			containersOf(template.spec || {}, "").some(({ c }) => (c.ports || []).some((p) => p.name === ep.port))))
			problem(d.where, `podMetricsEndpoints port "${ep.port}" is on no selected container`);
}

function checkPrometheusRule(d) {
	for (const [gi, g] of (d.obj.spec?.groups || []).entries())
		for (const [ri, r] of (g.rules || []).entries()) {
			const where = `${d.where}: spec.groups[${gi}].rules[${ri}] (${r.alert || r.record})`;
			const { problems, labels } = checkExpr(String(r.expr), metrics);
			for (const p of problems)
				problem(where, `expr ${p}`);
			for (const text of Object.values(r.annotations || {}))
				for (const m of String(text).matchAll(/\$labels\.([A-Za-z_][A-Za-z0-9_]*)/g))
					if (!labels.has(m[1]))
						problem(where, `annotations use $labels.${m[1]}, which the expression's series do not carry`);
		}
}

// --- run ---------------------------------------------------------------------------

const CUSTOM_SCHEMAS = {
	"kubeflow.org/v1 PyTorchJob": "pytorchjob.kubeflow.org-v1.json",
	"k8s.cni.cncf.io/v1 NetworkAttachmentDefinition": "network-attachment-definition.k8s.cni.cncf.io-v1.json",
};
const CLUSTER_SCOPED = new Set(["Namespace", "ClusterRole", "ClusterRoleBinding"]);

for (const d of docs) {
	const o = d.obj;
	const key = `${o.apiVersion} ${o.kind}`;
	let problems;
	if (CUSTOM_SCHEMAS[key])
		problems = validateCustom(o, CUSTOM_SCHEMAS[key]);
	else if (o.apiVersion.startsWith("monitoring.coreos.com/"))
		problems = await validatePrometheusOperator(o);
	else if (!o.apiVersion.includes(".") || o.apiVersion.split("/")[0].endsWith(".k8s.io"))
		problems = await validateBuiltin(o);
	else
		problems = [`no schema for ${key}: add one to deploy/validate/schemas`];
	for (const p of problems)
		problem(d.where, p);

	if (!CLUSTER_SCOPED.has(o.kind)) {
		if (!o.metadata.namespace)
			problem(d.where, "no metadata.namespace");
		else if (!find(d, "Namespace", o.metadata.namespace))
			problem(d.where, `namespace ${o.metadata.namespace} is not defined next to it`);
	}
	for (const { template, base } of podTemplates(d)) {
		if (o.kind === "PyTorchJob")
			for (const p of validatePodTemplate(template, base))
				problem(d.where, p);
		checkPodTemplate(d, template, base);
	}
	if (o.kind === "PyTorchJob")
		checkPyTorchJob(d);
	if (o.kind === "NetworkAttachmentDefinition")
		checkNetworkAttachment(d);
	if (o.kind === "PodMonitor")
		checkPodMonitor(d);
	if (o.kind === "Service" && o.spec?.selector)
		checkSelectorMatches(d, { matchLabels: o.spec.selector }, "spec.selector");
	if (o.kind === "PrometheusRule")
		checkPrometheusRule(d);
}

console.log(`check-manifests: ${docs.length} objects in ${files.length} files, ${problemCount} problems`);
process.exit(problemCount ? 1 : 0);
