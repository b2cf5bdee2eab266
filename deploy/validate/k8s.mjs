// Schema checks of Kubernetes objects, offline:
//  - kubernetes-models: the upstream OpenAPI schemas compiled to validators
//    (types, required fields, enumerations, formats);
//  - @kubernetes/client-node's model descriptions: every field must exist, as
//    kubectl's strict field validation demands (the OpenAPI schemas alone let
//    unknown fields through);
//  - small JSON schemas (schemas/) for the custom resources no registry ships.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Ajv from "ajv";
import * as clientModels from "@kubernetes/client-node/dist/gen/models/all.js";
import { validate as validatePodTemplateSpec } from "kubernetes-models/_schemas/IoK8sApiCoreV1PodTemplateSpec";
import { validate as validateObjectMeta } from "@kubernetes-models/apimachinery/_schemas/IoK8sApimachineryPkgApisMetaV1ObjectMeta";

const here = path.dirname(fileURLToPath(import.meta.url));
const isObj = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

export const join = (base, key) => typeof key === "number" ? `${base}[${key}]` :
	base ? `${base}.${key}` : key;

function ajvProblems(errors, base) {
	return (errors || []).map((e) => {
		const where = join(base, e.instancePath.slice(1).replace(/\//g, ".")) || "(top)";
		let what = e.message;
		if (e.params?.additionalProperty)
			what = `unknown field "${e.params.additionalProperty}"`;
		else if (e.params?.allowedValues)
			what += ` (${e.params.allowedValues.join(", ")})`;
		return `${where}: ${what}`;
	});
}

// Unknown fields, by the client's model of TYPE (e.g. V1PodSpec).
export function strictFields(value, type, base, out = []) {
	let m;
	if (value === null || value === undefined)
		return out;
	if ((m = /^Array<(.+)>$/.exec(type))) {
		if (Array.isArray(value))
			value.forEach((v, i) => strictFields(v, m[1], join(base, i), out));
		return out;
	}
	if ((m = /^\{ \[key: string\]: (.+); \}$/.exec(type))) {
		if (isObj(value))
			for (const [k, v] of Object.entries(value))
				strictFields(v, m[1], join(base, k), out);
		return out;
	}
	const model = clientModels[type];
	if (!model?.getAttributeTypeMap || !isObj(value))
		return out;
	const attrs = new Map(model.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
	for (const [k, v] of Object.entries(value)) {
		if (!attrs.has(k))
			out.push(`${join(base, k)}: unknown field "${k}" (not in ${type.replace(/^V\d+/, "")})`);
		else
			strictFields(v, attrs.get(k), join(base, k), out);
	}
	return out;
}

// A built-in kind: kubernetes-models' validator and the strict field check.
export async function validateBuiltin(obj) {
	const [group, version] = obj.apiVersion.includes("/") ? obj.apiVersion.split("/") : ["", obj.apiVersion];
	const modulePath = group ? `kubernetes-models/${group}/${version}/${obj.kind}` :
		`kubernetes-models/${version}/${obj.kind}`;
	let mod;
	try {
		mod = await import(modulePath);
	} catch {
		return [`unknown kind ${obj.kind} in ${obj.apiVersion}`];
	}
	const problems = [];
	try {
		new mod[obj.kind](obj).validate();
	} catch (e) {
		problems.push(...(e.errors ? ajvProblems(e.errors, "") : [e.message]));
	}
	const clientType = version.charAt(0).toUpperCase() + version.slice(1) + obj.kind;
	if (!clientModels[clientType])
		return [...problems, `no field model for ${obj.kind} (${clientType})`];
	return [...problems, ...strictFields(obj, clientType, "")];
}

export function validatePodTemplate(template, base) {
	const problems = [];
	if (!validatePodTemplateSpec(template))
		problems.push(...ajvProblems(validatePodTemplateSpec.errors, base));
	return [...problems, ...strictFields(template, "V1PodTemplateSpec", base)];
}

export function validateMetadata(metadata, base) {
	const problems = [];
	if (!validateObjectMeta(metadata))
		problems.push(...ajvProblems(validateObjectMeta.errors, base));
	return [...problems, ...strictFields(metadata, "V1ObjectMeta", base)];
}

// A custom resource against one of schemas/*.json (a CRD's structural schema).
// strictTypes off: CRD schemas pair "pattern" with int-or-string anyOf.
const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false });
const schemaValidators = new Map();
export function validateCustom(obj, schemaFile) {
	if (!schemaValidators.has(schemaFile)) {
		const schema = JSON.parse(fs.readFileSync(path.join(here, "schemas", schemaFile), "utf8"));
		schemaValidators.set(schemaFile, ajv.compile(schema));
	}
	const validate = schemaValidators.get(schemaFile);
	const problems = validate(obj) ? [] : ajvProblems(validate.errors, "");
	if (isObj(obj.metadata))
		problems.push(...validateMetadata(obj.metadata, "metadata"));
	return problems;
}

// The Prometheus Operator's kinds, by @kubernetes-models/prometheus-operator.
export async function validatePrometheusOperator(obj) {
	let mod;
	try {
		mod = await import(`@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/${obj.kind}`);
	} catch {
		return [`unknown kind ${obj.kind} in ${obj.apiVersion}`];
	}
	try {
		new mod[obj.kind](obj).validate();
	} catch (e) {
		return e.errors ? ajvProblems(e.errors, "") : [e.message];
	}
	return validateMetadata(obj.metadata, "metadata");
}
