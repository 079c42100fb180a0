// The configuration the chart renders must be accepted by the service itself, not only by values.schema.json
// (which cannot express rules such as "B3 formats come first in Propagation:Precedence").
// For each rendered file, the ConfigMap's tracefilter.json is handed to the published binary as command-line
// configuration, with the listeners moved to 127.0.0.1 port 0 and the exporters to loopback addresses (no DNS,
// no traffic); the check passes when the service reports it is listening, and fails when it exits first (an
// invalid configuration exits with code 2 and names every bad key).
//
//   node check-config.mjs BINARY.dll RENDERED.yaml...
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

const TIMEOUT_MS = 120_000;
const LOOPBACK = {
  "TraceFilter:Port": "0",
  "TraceFilter:ListenAddress": "127.0.0.1",
  "TraceFilter:Admin:Port": "0",
  "TraceFilter:Admin:ListenAddress": "127.0.0.1",
  "TraceFilter:XRay:DaemonAddress": "127.0.0.1:2000",
  "TraceFilter:Zipkin:Endpoint": "http://127.0.0.1:9411/api/v2/spans",
};

// {"TraceFilter": {"Naming": {"Rules": [{"Pattern": "x"}]}}} -> TraceFilter:Naming:Rules:0:Pattern=x
export function flatten(value, prefix, out = {}) {
  if (Array.isArray(value)) value.forEach((v, i) => flatten(v, `${prefix}:${i}`, out));
  else if (value !== null && typeof value === "object") for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}:${k}` : k, out);
  else out[prefix] = String(value);
  return out;
}

function run(binary, label, settings) {
  const args = [binary, ...Object.entries({ ...settings, ...LOOPBACK }).map(([k, v]) => `--${k}=${v}`)];
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(AWS_XRAY_|OTEL_|TRACEFILTER_)/.test(k)));
  env.Logging__Console__FormatterName = "simple";
  return new Promise((resolve) => {
    const child = spawn("dotnet", args, { cwd: path.dirname(binary), env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    let listening = false;
    const timer = setTimeout(() => {
      output += `\n(no "listening" line within ${TIMEOUT_MS / 1000} s)`;
      child.kill("SIGKILL");
    }, TIMEOUT_MS);
    const onData = (chunk) => {
      output += chunk;
      if (!listening && /Now listening on|Listening on/i.test(output)) {
        listening = true;
        // Validated and listening is all we wanted; no need to sit through the graceful drain.
        child.kill("SIGKILL");
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ label, ok: listening, code, signal, output });
    });
  });
}

async function main() {
  const [binaryArg, ...files] = process.argv.slice(2);
  const binary = path.resolve(binaryArg);
  let failed = false;
  for (const file of files) {
    const configs = parseAllDocuments(fs.readFileSync(file, "utf8")).map((d) => d.toJS())
      .filter((d) => d?.kind === "ConfigMap" && d.data?.["tracefilter.json"]);
    if (configs.length === 0) {
      console.error(`${file}: no ConfigMap with tracefilter.json`);
      failed = true;
      continue;
    }
    for (const config of configs) {
      const settings = flatten(JSON.parse(config.data["tracefilter.json"]), "");
      const result = await run(binary, `${file} ConfigMap ${config.metadata.name}`, settings);
      if (result.ok) {
        console.log(`${result.label}: the service starts with it (${Object.keys(settings).length} settings)`);
      } else {
        failed = true;
        console.error(`${result.label}: the service did not start (exit ${result.code ?? result.signal}):\n${result.output.trim()}`);
      }
    }
  }
  process.exit(failed ? 1 : 0);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
