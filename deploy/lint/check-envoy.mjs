// Checks Envoy configuration field by field against envoy-api/fields.json (derived from the Envoy v3 API protos):
// unknown or deprecated fields, two members of one oneof, wrong value shapes, unknown enum values, and every
// "@type" Any is resolved and checked in turn. Proto JSON accepts a field's proto name and its lowerCamel name.
//
//   node check-envoy.mjs FILE...            YAML files
//   node check-envoy.mjs --notes FILE...    Helm NOTES output: its indented "clusters:" and "http_filters:" snippets
// A file whose document has static_resources (or no kind) is a Bootstrap; an Istio EnvoyFilter has each
// configPatches[].patch.value checked as the message its applyTo inserts. Other documents are skipped.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse, parseAllDocuments } from "yaml";

const here = path.dirname(fileURLToPath(import.meta.url));
const api = JSON.parse(fs.readFileSync(path.join(here, "envoy-api", "fields.json"), "utf8"));

const TYPE_PREFIX = "type.googleapis.com/";
const INTEGER = new Set(["int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32", "fixed64", "sfixed32",
  "sfixed64"]);
const WRAPPERS = {
  "google.protobuf.BoolValue": "bool", "google.protobuf.StringValue": "string", "google.protobuf.BytesValue": "bytes",
  "google.protobuf.DoubleValue": "double", "google.protobuf.FloatValue": "float", "google.protobuf.Int32Value": "int32",
  "google.protobuf.Int64Value": "int64", "google.protobuf.UInt32Value": "uint32", "google.protobuf.UInt64Value": "uint64",
};
// The Istio EnvoyFilter applyTo values whose patch.value we know the message of.
const APPLY_TO = {
  HTTP_FILTER: "envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter",
  CLUSTER: "envoy.config.cluster.v3.Cluster",
};

const describe = (v) => (v === null ? "null" : Array.isArray(v) ? "a list" : typeof v === "object" ? "an object" : `${typeof v} ${JSON.stringify(v)}`);

function closest(name, candidates) {
  // Levenshtein distance; a suggestion only when it is plausibly a typo.
  let best = null;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = distance(name, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(name.length / 4)) ? best : null;
}

function distance(a, b) {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}

function checkScalar(value, type, at, errors) {
  const ok = type === "bool" ? typeof value === "boolean"
    : type === "string" || type === "bytes" ? typeof value === "string"
      : INTEGER.has(type) ? Number.isInteger(value) || (typeof value === "string" && /^-?\d+$/.test(value))
        : typeof value === "number" || (typeof value === "string" && /^(-?\d+(\.\d+)?([eE][-+]?\d+)?|NaN|-?Infinity)$/.test(value));
  if (!ok) errors.push(`${at}: expected ${type}, found ${describe(value)}`);
}

function checkValue(value, field, at, errors) {
  if (field.kind === "scalar") return checkScalar(value, field.type, at, errors);
  if (field.kind === "enum") {
    const values = api.enums[field.type];
    if (!(typeof value === "string" && values.includes(value)) && !Number.isInteger(value)) {
      errors.push(`${at}: ${describe(value)} is not a value of ${field.type} (${values.join(", ")})`);
    }
    return;
  }
  return checkMessage(value, field.type, at, errors);
}

export function checkMessage(value, typeName, at, errors) {
  if (WRAPPERS[typeName]) return checkScalar(value, WRAPPERS[typeName], at, errors);
  switch (typeName) {
    case "google.protobuf.Duration":
      if (!(typeof value === "string" && /^-?\d+(\.\d{1,9})?s$/.test(value))) {
        errors.push(`${at}: expected a duration like "0.5s", found ${describe(value)}`);
      }
      return;
    case "google.protobuf.Timestamp":
      if (typeof value !== "string") errors.push(`${at}: expected an RFC 3339 timestamp, found ${describe(value)}`);
      return;
    case "google.protobuf.Struct":
      if (value === null || typeof value !== "object" || Array.isArray(value)) errors.push(`${at}: expected an object, found ${describe(value)}`);
      return;
    case "google.protobuf.Value":
      return;
    case "google.protobuf.ListValue":
      if (!Array.isArray(value)) errors.push(`${at}: expected a list, found ${describe(value)}`);
      return;
    case "google.protobuf.Empty":
      if (value === null || typeof value !== "object" || Object.keys(value).length > 0) errors.push(`${at}: expected {}, found ${describe(value)}`);
      return;
    case "google.protobuf.Any":
      return checkAny(value, at, errors);
    default:
      break;
  }

  const message = api.messages[typeName];
  if (!message) {
    // Types outside Envoy's own API tree (xds.*, udpa.*): the field exists, its contents are not described here.
    if (typeName.startsWith("envoy.")) errors.push(`${at}: ${typeName} is not in envoy-api/fields.json; regenerate it`);
    return;
  }

  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    errors.push(`${at}: expected a ${typeName} object, found ${describe(value)}`);
    return;
  }

  const byName = new Map();
  for (const [name, field] of Object.entries(message.fields)) {
    byName.set(name, [name, field]);
    if (field.json) byName.set(field.json, [name, field]);
  }

  const oneofs = new Map();
  for (const [key, child] of Object.entries(value)) {
    const here = `${at}.${key}`;
    const entry = byName.get(key);
    if (!entry) {
      const hint = closest(key, Object.keys(message.fields));
      errors.push(`${here}: unknown field '${key}' in ${typeName}${hint ? ` (did you mean '${hint}'?)` : ""}`);
      continue;
    }
    const [name, field] = entry;
    if (field.deprecated) errors.push(`${here}: '${name}' is deprecated in ${typeName}`);
    if (field.oneof) {
      if (oneofs.has(field.oneof)) errors.push(`${here}: '${name}' and '${oneofs.get(field.oneof)}' are both set, but they are one oneof (${field.oneof}) of ${typeName}`);
      oneofs.set(field.oneof, name);
    }
    if (field.map) {
      if (child === null || typeof child !== "object" || Array.isArray(child)) {
        errors.push(`${here}: expected a map, found ${describe(child)}`);
      } else {
        for (const [k, v] of Object.entries(child)) checkValue(v, field, `${here}[${JSON.stringify(k)}]`, errors);
      }
    } else if (field.repeated) {
      if (!Array.isArray(child)) errors.push(`${here}: expected a list, found ${describe(child)}`);
      else child.forEach((item, i) => checkValue(item, field, `${here}[${i}]`, errors));
    } else {
      checkValue(child, field, here, errors);
    }
  }
}

function checkAny(value, at, errors) {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    errors.push(`${at}: expected an Any object with "@type", found ${describe(value)}`);
    return;
  }
  const url = value["@type"];
  if (typeof url !== "string" || !url.startsWith(TYPE_PREFIX)) {
    errors.push(`${at}: "@type" must be "${TYPE_PREFIX}<message>", found ${describe(url)}`);
    return;
  }
  const typeName = url.slice(TYPE_PREFIX.length);
  if (!api.messages[typeName] && !typeName.startsWith("google.protobuf.")) {
    errors.push(`${at}: "@type" ${typeName} is not a message in envoy-api/fields.json (misspelled, or add it to ROOTS in generate-fields.mjs)`);
    return;
  }
  const { "@type": _, ...rest } = value;
  checkMessage(rest, typeName, `${at}<${typeName.split(".").pop()}>`, errors);
}

export function checkDocument(doc, errors) {
  if (doc === null || typeof doc !== "object") return 0;
  if (doc.kind === "EnvoyFilter") {
    let checked = 0;
    (doc.spec?.configPatches ?? []).forEach((patch, i) => {
      const typeName = APPLY_TO[patch.applyTo];
      const at = `EnvoyFilter ${doc.metadata?.name}.spec.configPatches[${i}].patch.value`;
      if (!typeName) {
        errors.push(`${at}: applyTo ${patch.applyTo} is not one this check knows the message of (${Object.keys(APPLY_TO).join(", ")})`);
        return;
      }
      checkMessage(patch.patch?.value, typeName, at, errors);
      checked++;
    });
    return checked;
  }
  if (doc.kind === undefined && (doc.static_resources || doc.staticResources)) {
    checkMessage(doc, "envoy.config.bootstrap.v3.Bootstrap", "Bootstrap", errors);
    return 1;
  }
  return 0;
}

// The YAML snippets of a NOTES text: a line "  clusters:" or "  http_filters:" and the lines indented under it.
export function checkNotes(text, errors) {
  const lines = text.split("\n");
  let checked = 0;
  for (let i = 0; i < lines.length; i++) {
    const m = /^( +)(clusters|http_filters):$/.exec(lines[i]);
    if (!m) continue;
    const indent = m[1].length;
    const block = [lines[i]];
    while (i + 1 < lines.length && (lines[i + 1].startsWith(" ".repeat(indent) + "-") || lines[i + 1].startsWith(" ".repeat(indent + 1)))) {
      block.push(lines[++i]);
    }
    const snippet = parse(block.map((l) => l.slice(indent)).join("\n"));
    const [key] = Object.keys(snippet);
    const typeName = key === "clusters" ? "envoy.config.cluster.v3.Cluster" : "envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter";
    (snippet[key] ?? []).forEach((item, j) => checkMessage(item, typeName, `NOTES ${key}[${j}]`, errors));
    checked += (snippet[key] ?? []).length;
  }
  if (checked === 0) errors.push("NOTES: no clusters: or http_filters: snippet found");
  return checked;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const notes = process.argv[2] === "--notes";
  const files = process.argv.slice(notes ? 3 : 2);
  let failed = false;
  for (const file of files) {
    const errors = [];
    let checked = 0;
    if (notes) checked = checkNotes(fs.readFileSync(file, "utf8"), errors);
    for (const document of notes ? [] : parseAllDocuments(fs.readFileSync(file, "utf8"))) {
      if (document.errors.length > 0) {
        errors.push(...document.errors.map((e) => e.message));
        continue;
      }
      checked += checkDocument(document.toJS(), errors);
    }
    if (errors.length > 0) {
      failed = true;
      for (const e of errors) console.error(`${file}: ${e}`);
    } else {
      console.log(`${file}: ${checked} Envoy message(s) match the Envoy v3 API field by field`);
    }
  }
  process.exit(failed ? 1 : 0);
}
