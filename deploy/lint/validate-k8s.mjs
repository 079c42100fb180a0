// Validates every Kubernetes object in the given YAML files against its API schema, twice:
// 1. the object's kubernetes-models class (ajv validators generated from the Kubernetes OpenAPI and the CRDs):
//    types, required fields, enums, formats, patterns;
// 2. the TypeScript compiler over the same object as a literal of the model's interface: its excess-property
//    check rejects every field the API does not have (the OpenAPI schemas allow unknown fields, kubectl's
//    server-side "strict" validation does not; this is that check without a server).
// Unknown apiVersion/kind fails: every object we ship must have a schema.
//
//   node validate-k8s.mjs FILE...
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

// API group -> npm package holding its models.
function packageFor(group) {
  if (group === "" || group.endsWith(".k8s.io") && !group.startsWith("gateway.networking") || ["apps", "policy", "autoscaling", "batch"].includes(group)) {
    return "kubernetes-models";
  }
  if (group.endsWith(".istio.io")) return "@kubernetes-models/istio";
  if (group === "monitoring.coreos.com") return "@kubernetes-models/prometheus-operator";
  if (group === "gateway.envoyproxy.io") return "@kubernetes-models/envoy-gateway";
  if (group === "gateway.networking.k8s.io") return "@kubernetes-models/gateway-api";
  return null;
}

function modelPath(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  const pkg = packageFor(group);
  if (!pkg) return null;
  const specifier = `${pkg}/${group ? `${group}/` : ""}${version}/${kind}`;
  try {
    import.meta.resolve(specifier);
    return specifier;
  } catch {
    return null;
  }
}

const files = process.argv.slice(2);
const errors = [];
const objects = []; // { file, label, specifier, kind, data }

for (const file of files) {
  let index = 0;
  for (const document of parseAllDocuments(fs.readFileSync(file, "utf8"))) {
    if (document.errors.length > 0) {
      errors.push(...document.errors.map((e) => `${file}: ${e.message}`));
      continue;
    }
    const data = document.toJS();
    index++;
    if (data === null) continue;
    const label = `${file} #${index} ${data.kind ?? "?"}/${data.metadata?.name ?? "?"}`;
    if (typeof data.apiVersion !== "string" || typeof data.kind !== "string") {
      errors.push(`${label}: no apiVersion/kind`);
      continue;
    }
    const specifier = modelPath(data.apiVersion, data.kind);
    if (!specifier) {
      errors.push(`${label}: no schema for ${data.apiVersion} ${data.kind} in the installed model packages`);
      continue;
    }
    objects.push({ file, label, specifier, kind: data.kind, data });
  }
}

// 1. Schema validation with the models' validators.
for (const o of objects) {
  const module = await import(o.specifier);
  try {
    new module[o.kind](o.data).validate();
  } catch (e) {
    errors.push(`${o.label}: ${e.message}`);
  }
}

// 2. Unknown fields: each object as a typed literal, compiled by tsc.
const work = fs.mkdtempSync(path.join(here, ".tscheck-"));
try {
  const lines = [];
  const blocks = []; // [firstLine, lastLine, label]
  objects.forEach((o, i) => {
    lines.push(`import type { I${o.kind} as T${i} } from "${o.specifier}";`);
  });
  objects.forEach((o, i) => {
    const body = `export const o${i}: T${i} = ${JSON.stringify(o.data, null, 2)};`.split("\n");
    blocks.push([lines.length + 1, lines.length + body.length, o.label]);
    lines.push(...body);
  });
  fs.writeFileSync(path.join(work, "objects.ts"), lines.join("\n") + "\n");
  fs.writeFileSync(path.join(work, "tsconfig.json"), JSON.stringify({
    compilerOptions: {
      strict: true, noEmit: true, skipLibCheck: true, target: "es2022", module: "esnext",
      moduleResolution: "bundler", types: [],
    },
    files: ["objects.ts"],
  }));
  try {
    execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", work], { encoding: "utf8", stdio: "pipe" });
  } catch (e) {
    const output = `${e.stdout ?? ""}${e.stderr ?? ""}`;
    for (const line of output.split("\n")) {
      const m = /objects\.ts\((\d+),(\d+)\): (error TS\d+: .*)$/.exec(line);
      if (!m) {
        if (line.trim() && !line.startsWith(" ")) errors.push(`tsc: ${line}`);
        continue;
      }
      const n = Number(m[1]);
      const block = blocks.find(([first, last]) => n >= first && n <= last);
      const source = lines[n - 1].trim();
      errors.push(`${block ? block[2] : "objects.ts"}: at ${source} -> ${m[3]}`);
    }
    if (errors.length === 0) errors.push(`tsc failed: ${output}`);
  }
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}

if (errors.length > 0) {
  for (const e of errors) console.error(e);
  process.exit(1);
}
for (const file of files) {
  const n = objects.filter((o) => o.file === file).length;
  console.log(`${file}: ${n} object(s) valid against their Kubernetes schemas, no unknown fields`);
}
