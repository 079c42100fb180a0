// The other deploy checks fail on the mistakes they exist for, with messages that say what is wrong.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "node:test";
import { fileURLToPath } from "node:url";
import { checkNotes } from "../check-envoy.mjs";
import { flatten } from "../check-config.mjs";

const lint = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const repo = path.resolve(lint, "../..");
const manifests = path.join(repo, "deploy/k8s/manifests/envoy-trace-filter.yaml");

function runNode(script, args) {
  return spawnSync(process.execPath, [path.join(lint, script), ...args], { cwd: repo, encoding: "utf8" });
}

function tempYaml(text) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "deploy-lint-test-"));
  const file = path.join(dir, "objects.yaml");
  fs.writeFileSync(file, text);
  return file;
}

test("NOTES snippets are found and checked: a misspelled cluster field fails", () => {
  const notes = [
    "1. Add a cluster:",
    "",
    "  clusters:",
    "  - name: trace_filter",
    "    type: STRICT_DNS",
    "    conect_timeout: 1s",
    "",
    "2. Insert the filter:",
    "",
    "  http_filters:",
    "  - name: envoy.filters.http.router",
    "    typed_config:",
    '      "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router',
    "",
  ].join("\n");
  const errors = [];
  assert.equal(checkNotes(notes, errors), 2);
  assert.deepEqual(errors, ["NOTES clusters[0].conect_timeout: unknown field 'conect_timeout' in envoy.config.cluster.v3.Cluster (did you mean 'connect_timeout'?)"]);
});

test("NOTES without any snippet fail", () => {
  const errors = [];
  checkNotes("nothing to see\n", errors);
  assert.deepEqual(errors, ["NOTES: no clusters: or http_filters: snippet found"]);
});

test("the ConfigMap JSON flattens to .NET configuration keys, arrays indexed", () => {
  assert.deepEqual(flatten({ TraceFilter: { Port: 50051, Naming: { Rules: [{ Pattern: "*.example.com" }] }, Zipkin: { Enabled: false } } }, ""), {
    "TraceFilter:Port": "50051",
    "TraceFilter:Naming:Rules:0:Pattern": "*.example.com",
    "TraceFilter:Zipkin:Enabled": "false",
  });
});

test("an EnvoyExtensionPolicy without processingMode.response fails", () => {
  const policy = fs.readFileSync(path.join(repo, "deploy/k8s/envoy-gateway/envoyextensionpolicy.yaml"), "utf8")
    .replace(/^      response:\n(        .*\n)*/m, "");
  const result = runNode("check-refs.mjs", ["--envoy", "envoy.yaml", "--manifests", manifests, "--mesh", tempYaml(policy)]);
  assert.equal(result.status, 1);
  assert.match(result.stderr, /extProc\[0\]: processingMode\.request and \.response must both be present/);
});

test("an EnvoyFilter calling the headless Service fails, and one whose ext_proc config drifted from envoy.yaml fails", () => {
  const filter = fs.readFileSync(path.join(repo, "deploy/k8s/istio/envoyfilter.yaml"), "utf8")
    .replace("trace-filter-mesh.tracing", "trace-filter.tracing")
    .replace("message_timeout: 0.1s", "message_timeout: 0.2s");
  const result = runNode("check-refs.mjs", ["--envoy", "envoy.yaml", "--manifests", manifests, "--mesh", tempYaml(filter)]);
  assert.equal(result.status, 1);
  assert.match(result.stderr, /ext_proc config differs from envoy\.yaml in message_timeout/);
  assert.match(result.stderr, /Service tracing\/trace-filter is headless; Istio's cluster for it is ORIGINAL_DST/);
});

test("a Kubernetes object with an unknown field or a bad enum value fails schema validation", () => {
  const deployment = [
    "apiVersion: apps/v1",
    "kind: Deployment",
    "metadata: {name: x}",
    "spec:",
    "  selector: {matchLabels: {a: b}}",
    "  template:",
    "    metadata: {labels: {a: b}}",
    "    spec:",
    "      containers:",
    "      - name: x",
    "        image: x",
    "        readinesProbe: {}",
    "---",
    "apiVersion: v1",
    "kind: Service",
    "metadata: {name: y}",
    "spec: {ports: [{port: 1, protocol: SCTPX}]}",
    "",
  ].join("\n");
  const result = runNode("validate-k8s.mjs", [tempYaml(deployment)]);
  assert.equal(result.status, 1);
  assert.match(result.stderr, /#1 Deployment\/x: at "readinesProbe": \{\} -> error TS2353: Object literal may only specify known properties, and '"readinesProbe"' does not exist in type 'IContainer'/);
  assert.match(result.stderr, /#2 Service\/y: data\/spec\/ports\/0\/protocol must be equal to one of the allowed values/);
});

test("an object of an unknown kind fails instead of passing unchecked", () => {
  const result = runNode("validate-k8s.mjs", [tempYaml("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n")]);
  assert.equal(result.status, 1);
  assert.match(result.stderr, /Widget\/w: no schema for example\.com\/v1 Widget/);
});
