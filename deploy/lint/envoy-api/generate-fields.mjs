// Derives envoy-api/fields.json (message -> field names and types, enum -> value names) from the Envoy v3 API
// .proto files, for check-envoy.mjs. Only the messages reachable from ROOTS are kept, so the file stays small.
//
//   node envoy-api/generate-fields.mjs <dir containing envoy/...> <source label> > envoy-api/fields.json
//
// The directory is a checkout of Envoy's api/ tree (the data-plane-api mirror has the same layout). Types from
// other trees (xds.*, udpa.*, google.* beyond the well-known ones) are recorded as "opaque": their contents are
// not checked, only that the field holding them exists.
import fs from "node:fs";
import path from "node:path";
import protobuf from "protobufjs";

// The messages our configurations start from: a bootstrap, the HttpFilter an Istio EnvoyFilter patch inserts,
// and every typed_config / typed_extension_protocol_options "@type" we use.
const ROOTS = [
  "envoy.config.bootstrap.v3.Bootstrap",
  "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
  "envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter",
  "envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor",
  "envoy.extensions.filters.http.router.v3.Router",
  "envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
  "envoy.config.cluster.v3.Cluster",
];

const [root, label] = process.argv.slice(2);
if (!root || !label) {
  console.error("usage: node generate-fields.mjs <api dir> <source label>");
  process.exit(2);
}

const messages = new Map(); // full name -> protobufjs Type
const enums = new Map(); // full name -> protobufjs Enum

function walkFiles(dir, out) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) walkFiles(p, out);
    else if (entry.name.endsWith(".proto")) out.push(p);
  }
  return out;
}

function collect(ns) {
  for (const nested of ns.nestedArray) {
    const name = nested.fullName.slice(1);
    if (nested instanceof protobuf.Type) {
      messages.set(name, nested);
      collect(nested);
    } else if (nested instanceof protobuf.Enum) {
      enums.set(name, nested);
    } else if (nested instanceof protobuf.Namespace) {
      collect(nested);
    }
  }
}

for (const file of walkFiles(path.join(root, "envoy"), [])) {
  const parsed = protobuf.parse(fs.readFileSync(file, "utf8"), { keepCase: true, alternateCommentMode: true });
  collect(parsed.root);
}

const SCALARS = new Set(["double", "float", "int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32",
  "fixed64", "sfixed32", "sfixed64", "bool", "string", "bytes"]);

// Protobuf name resolution: look the name up in the enclosing scopes, innermost first.
function resolve(typeName, scope) {
  if (SCALARS.has(typeName)) return { kind: "scalar", name: typeName };
  if (typeName.startsWith(".")) typeName = typeName.slice(1);
  const parts = scope.split(".");
  for (let i = parts.length; i >= 0; i--) {
    const candidate = [...parts.slice(0, i), typeName].join(".");
    if (messages.has(candidate)) return { kind: "message", name: candidate };
    if (enums.has(candidate)) return { kind: "enum", name: candidate };
  }
  return { kind: "opaque", name: typeName };
}

const jsonName = (n) => n.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
const isDeprecated = (f) => f.options?.deprecated === true
  || Object.keys(f.options ?? {}).some((k) => k.includes("disallowed_by_default") && f.options[k] === true);

const outMessages = {};
const outEnums = {};
const queue = [...ROOTS];
while (queue.length > 0) {
  const name = queue.shift();
  if (outMessages[name]) continue;
  const type = messages.get(name);
  if (!type) throw new Error(`root or referenced message ${name} not found under ${root}`);
  const fields = {};
  for (const f of type.fieldsArray) {
    const r = resolve(f.type, name);
    const entry = { type: r.kind === "scalar" ? r.name : r.name, kind: r.kind };
    if (f.repeated) entry.repeated = true;
    if (f.map) entry.map = f.keyType;
    if (jsonName(f.name) !== f.name) entry.json = jsonName(f.name);
    if (isDeprecated(f)) entry.deprecated = true;
    if (f.partOf) entry.oneof = f.partOf.name;
    fields[f.name] = entry;
    if (r.kind === "message" && !outMessages[r.name]) queue.push(r.name);
    if (r.kind === "enum") outEnums[r.name] = Object.keys(enums.get(r.name).values);
  }
  outMessages[name] = { fields };
}

const sorted = (o) => Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
process.stdout.write(JSON.stringify({
  source: label,
  roots: ROOTS,
  messages: sorted(outMessages),
  enums: sorted(outEnums),
}) + "\n");
