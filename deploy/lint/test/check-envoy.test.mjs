// The Envoy field checker must fail on each kind of mistake it claims to catch, with a message naming the path.
import assert from "node:assert/strict";
import fs from "node:fs";
import test from "node:test";
import { parse } from "yaml";
import { checkDocument, checkMessage } from "../check-envoy.mjs";

const repoEnvoy = () => parse(fs.readFileSync(new URL("../../../envoy.yaml", import.meta.url), "utf8"));
const extProcOf = (bootstrap) => bootstrap.static_resources.listeners[0].filter_chains[0].filters[0].typed_config.http_filters[0].typed_config;
const check = (doc) => {
  const errors = [];
  checkDocument(doc, errors);
  return errors;
};

test("the repository's envoy.yaml passes", () => {
  assert.deepEqual(check(repoEnvoy()), []);
});

test("a misspelled field fails, naming the path, the message and the likely field", () => {
  const doc = repoEnvoy();
  const extProc = extProcOf(doc);
  extProc.failure_mode_alow = extProc.failure_mode_allow;
  delete extProc.failure_mode_allow;
  assert.deepEqual(check(doc), [
    "Bootstrap.static_resources.listeners[0].filter_chains[0].filters[0].typed_config<HttpConnectionManager>"
      + ".http_filters[0].typed_config<ExternalProcessor>.failure_mode_alow: unknown field 'failure_mode_alow' in "
      + "envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor (did you mean 'failure_mode_allow'?)",
  ]);
});

test("lowerCamel JSON names are accepted like proto names", () => {
  const doc = repoEnvoy();
  const extProc = extProcOf(doc);
  extProc.failureModeAllow = extProc.failure_mode_allow;
  delete extProc.failure_mode_allow;
  assert.deepEqual(check(doc), []);
});

test("an unknown enum value fails with the allowed values", () => {
  const doc = repoEnvoy();
  extProcOf(doc).processing_mode.request_header_mode = "SENDD";
  const errors = check(doc);
  assert.equal(errors.length, 1);
  assert.match(errors[0], /processing_mode\.request_header_mode: string "SENDD" is not a value of envoy\.extensions\.filters\.http\.ext_proc\.v3\.ProcessingMode\.HeaderSendMode \(DEFAULT, SEND, SKIP\)$/);
});

test("a deprecated field fails", () => {
  const errors = [];
  checkMessage({ name: "c", http2_protocol_options: {} }, "envoy.config.cluster.v3.Cluster", "Cluster", errors);
  assert.deepEqual(errors, ["Cluster.http2_protocol_options: 'http2_protocol_options' is deprecated in envoy.config.cluster.v3.Cluster"]);
});

test("two members of one oneof fail", () => {
  const errors = [];
  checkMessage({ name: "c", type: "STATIC", cluster_type: { name: "x" } }, "envoy.config.cluster.v3.Cluster", "Cluster", errors);
  assert.deepEqual(errors, ["Cluster.cluster_type: 'cluster_type' and 'type' are both set, but they are one oneof (cluster_discovery_type) of envoy.config.cluster.v3.Cluster"]);
});

test("a misspelled @type fails", () => {
  const doc = repoEnvoy();
  doc.static_resources.listeners[0].filter_chains[0].filters[0].typed_config.http_filters[1].typed_config["@type"] =
    "type.googleapis.com/envoy.extensions.filters.http.router.v3.Routr";
  const errors = check(doc);
  assert.equal(errors.length, 1);
  assert.match(errors[0], /http_filters\[1\]\.typed_config: "@type" envoy\.extensions\.filters\.http\.router\.v3\.Routr is not a message/);
});

test("a malformed duration and a wrongly shaped value fail", () => {
  const doc = repoEnvoy();
  extProcOf(doc).message_timeout = "100ms";
  extProcOf(doc).request_attributes = "source.address";
  const errors = check(doc);
  assert.equal(errors.length, 2);
  assert.match(errors[0], /message_timeout: expected a duration like "0\.5s", found string "100ms"$/);
  assert.match(errors[1], /request_attributes: expected a list, found string "source\.address"$/);
});

test("an Istio EnvoyFilter's HTTP_FILTER patch is checked as an HttpFilter", () => {
  const filter = {
    kind: "EnvoyFilter",
    metadata: { name: "f" },
    spec: { configPatches: [{ applyTo: "HTTP_FILTER", patch: { operation: "INSERT_BEFORE", value: { name: "x", typed_confg: {} } } }] },
  };
  assert.deepEqual(check(filter), [
    "EnvoyFilter f.spec.configPatches[0].patch.value.typed_confg: unknown field 'typed_confg' in "
      + "envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter (did you mean 'typed_config'?)",
  ]);
});
