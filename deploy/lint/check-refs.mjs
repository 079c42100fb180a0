// Cross-checks what no schema can: the mesh manifests agree with envoy.yaml and point at objects that exist.
// - every Istio EnvoyFilter's ext_proc config equals envoy.yaml's, except grpc_service (the cluster differs);
// - its cluster "outbound|PORT||NAME.NS.svc.cluster.local" is a non-headless Service in the plain manifests
//   whose port PORT Istio treats as gRPC (name grpc / grpc-* or appProtocol grpc);
// - every EnvoyExtensionPolicy extProc entry has processingMode.request and .response, envoy.yaml's request
//   attributes and failOpen, and backendRefs to an existing Service port (cross-namespace: with a ReferenceGrant).
//
//   node check-refs.mjs --envoy envoy.yaml --manifests FILE --mesh FILE...
import fs from "node:fs";
import { isDeepStrictEqual } from "node:util";
import { parseAllDocuments } from "yaml";

const args = process.argv.slice(2);
const take = (flag) => {
  const i = args.indexOf(flag);
  if (i < 0) throw new Error(`missing ${flag}`);
  const out = [];
  for (let j = i + 1; j < args.length && !args[j].startsWith("--"); j++) out.push(args[j]);
  return out;
};
const load = (file) => parseAllDocuments(fs.readFileSync(file, "utf8")).map((d) => d.toJS()).filter((d) => d);

const errors = [];
const [envoyFile] = take("--envoy");
const manifests = take("--manifests").flatMap(load);
const meshFiles = take("--mesh");

const bootstrap = load(envoyFile)[0];
const extProc = bootstrap.static_resources.listeners
  .flatMap((l) => l.filter_chains.flatMap((c) => c.filters))
  .flatMap((f) => f.typed_config?.http_filters ?? [])
  .find((f) => f.name === "envoy.filters.http.ext_proc")?.typed_config;
if (!extProc) throw new Error(`${envoyFile}: no envoy.filters.http.ext_proc filter`);
const { grpc_service: _ignored, ...reference } = extProc;

const services = manifests.filter((d) => d.kind === "Service");
const findService = (name, namespace) => services.find((s) => s.metadata.name === name && s.metadata.namespace === namespace);

let checked = 0;
for (const file of meshFiles) {
  for (const doc of load(file)) {
    const where = `${file}: ${doc.kind} ${doc.metadata?.namespace}/${doc.metadata?.name}`;
    if (doc.kind === "EnvoyFilter") {
      for (const patch of doc.spec.configPatches ?? []) {
        const value = patch.patch?.value;
        if (value?.name !== "envoy.filters.http.ext_proc") continue;
        checked++;
        const { grpc_service: grpc, ...config } = value.typed_config;
        if (!isDeepStrictEqual(config, reference)) {
          const differing = [...new Set([...Object.keys(config), ...Object.keys(reference)])]
            .filter((k) => !isDeepStrictEqual(config[k], reference[k]));
          errors.push(`${where}: ext_proc config differs from ${envoyFile} in ${differing.join(", ")}`);
        }
        const cluster = grpc?.envoy_grpc?.cluster_name ?? "";
        const m = /^outbound\|(\d+)\|\|([^.]+)\.([^.]+)\.svc\.cluster\.local$/.exec(cluster);
        if (!m) {
          errors.push(`${where}: cluster_name '${cluster}' is not an Istio outbound cluster of a Service`);
          continue;
        }
        const [, port, name, namespace] = m;
        const service = findService(name, namespace);
        const servicePort = service?.spec.ports.find((p) => p.port === Number(port));
        if (!service) errors.push(`${where}: cluster ${cluster} names Service ${namespace}/${name}, which the plain manifests do not have`);
        else if (service.spec.clusterIP === "None") errors.push(`${where}: Service ${namespace}/${name} is headless; Istio's cluster for it is ORIGINAL_DST, which a gRPC side call cannot use`);
        else if (!servicePort) errors.push(`${where}: Service ${namespace}/${name} has no port ${port}`);
        else if (!(servicePort.appProtocol === "grpc" || /^grpc($|-)/.test(servicePort.name ?? ""))) {
          errors.push(`${where}: Service ${namespace}/${name} port ${port} is not named grpc(-*) nor appProtocol grpc; Istio would not use HTTP/2`);
        }
      }
    }
    if (doc.kind === "EnvoyExtensionPolicy") {
      (doc.spec.extProc ?? []).forEach((entry, i) => {
        checked++;
        const at = `${where}: extProc[${i}]`;
        const mode = entry.processingMode;
        if (!mode?.request || !mode?.response) errors.push(`${at}: processingMode.request and .response must both be present, or Envoy Gateway sends no headers for the missing side`);
        // Envoy Gateway's CRD admits attribute names only, not CEL expressions such as size(request.headers):
        // it must ask for every plain attribute envoy.yaml asks for, and nothing else.
        const plain = (list) => (list ?? []).filter((a) => !a.includes("("));
        if (!isDeepStrictEqual(mode?.request?.attributes, plain(reference.request_attributes))) {
          errors.push(`${at}: processingMode.request.attributes differ from ${envoyFile}'s request_attributes (names only)`);
        }
        if (!isDeepStrictEqual(mode?.response?.attributes ?? [], plain(reference.response_attributes))) {
          errors.push(`${at}: processingMode.response.attributes differ from ${envoyFile}'s response_attributes (names only)`);
        }
        if (entry.failOpen !== reference.failure_mode_allow) errors.push(`${at}: failOpen must be ${reference.failure_mode_allow} like failure_mode_allow in ${envoyFile}`);
        for (const ref of entry.backendRefs ?? []) {
          const namespace = ref.namespace ?? doc.metadata.namespace;
          const service = findService(ref.name, namespace);
          if (!service) errors.push(`${at}: backendRef Service ${namespace}/${ref.name} is not in the plain manifests`);
          else if (!service.spec.ports.some((p) => p.port === ref.port)) errors.push(`${at}: Service ${namespace}/${ref.name} has no port ${ref.port}`);
          if (namespace !== doc.metadata.namespace) {
            const grants = meshFiles.flatMap(load).filter((d) => d.kind === "ReferenceGrant" && d.metadata.namespace === namespace);
            const allowed = grants.some((g) => g.spec.from.some((f) => f.kind === "EnvoyExtensionPolicy" && f.namespace === doc.metadata.namespace)
              && g.spec.to.some((t) => t.kind === "Service" && (t.name === undefined || t.name === ref.name)));
            if (!allowed) errors.push(`${at}: Service ${namespace}/${ref.name} is in another namespace and no ReferenceGrant there allows it`);
          }
        }
      });
    }
  }
}

if (errors.length > 0) {
  for (const e of errors) console.error(e);
  process.exit(1);
}
console.log(`mesh manifests: ${checked} ext_proc configuration(s) agree with ${envoyFile} and point at existing Services`);
