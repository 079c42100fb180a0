// The Dockerfile cannot be built here (no base images can be pulled), so what can be checked without a build is:
// - syntax and instruction arguments (dockerfile-utils, the validator behind the VS Code Docker extension);
// - the build runs exactly `make publish`'s command;
// - every COPY source from the build context exists and is not excluded by .dockerignore;
// - the final stage: a non-root numeric USER equal to the chart's runAsUser, EXPOSE of the chart's ext_proc and
//   admin ports, the OCI labels.
//
//   node check-dockerfile.mjs   (from anywhere; paths are the repository's)
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DockerfileParser } from "dockerfile-ast";
import { validate } from "dockerfile-utils";
import { parse } from "yaml";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const read = (p) => fs.readFileSync(path.join(root, p), "utf8");
const text = read("Dockerfile");
const errors = [];

for (const d of validate(text, {})) {
  errors.push(`Dockerfile:${d.range.start.line + 1}: ${d.message}`);
}

const instructions = DockerfileParser.parse(text).getInstructions();
const lineOf = (i) => i.getRange().start.line + 1;
const args = (i) => i.getArgumentsContent()?.replace(/\\\n/g, " ") ?? "";

// make publish's recipe, with $(DOTNET) as the plain dotnet the SDK image has.
const makefile = read("Makefile");
const recipe = /^publish:.*\n\t(.+)$/m.exec(makefile)?.[1]?.replace("$(DOTNET)", "dotnet").trim();
if (!recipe) errors.push("Makefile: no publish target");
else if (!instructions.some((i) => i.getKeyword() === "RUN" && args(i).trim() === recipe)) {
  errors.push(`Dockerfile: no RUN ${recipe} (the command \`make publish\` runs)`);
}

// .dockerignore, as Docker reads it: each pattern relative to the context root, ** any depth, * within a segment.
const ignore = read(".dockerignore").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"))
  .map((pattern) => {
    const negate = pattern.startsWith("!");
    const body = (negate ? pattern.slice(1) : pattern).replace(/^\/+|\/+$/g, "");
    const source = body.split("/").map((seg) => (seg === "**" ? "(?:.*/)?" : `${seg.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*").replace(/\?/g, "[^/]")}/`)).join("");
    return { negate, regex: new RegExp(`^${source.replace(/\(\?:\.\*\/\)\?$/, ".*/").replace(/\/$/, "")}(?:/.*)?$`) };
  });
const ignored = (p) => ignore.reduce((state, rule) => (rule.regex.test(p) ? !rule.negate : state), false);

let stage = -1;
const finalStage = instructions.filter((i) => i.getKeyword() === "FROM").length - 1;
let user = null;
const exposed = new Set();
const labels = new Set();
for (const i of instructions) {
  const keyword = i.getKeyword();
  if (keyword === "FROM") stage++;
  if (keyword === "COPY" || keyword === "ADD") {
    // Flags (--from, --chown, ...) are not part of the arguments; a --from copy reads another stage.
    if ((i.getFlags?.() ?? []).some((f) => f.getName() === "from")) continue;
    const sources = args(i).split(/\s+/).filter(Boolean).slice(0, -1);
    for (const source of sources) {
      const p = source.replace(/^\.\//, "").replace(/\/$/, "");
      if (!fs.existsSync(path.join(root, p))) errors.push(`Dockerfile:${lineOf(i)}: COPY source ${source} does not exist`);
      else if (ignored(p)) errors.push(`Dockerfile:${lineOf(i)}: COPY source ${source} is excluded by .dockerignore`);
    }
  }
  if (stage !== finalStage) continue;
  if (keyword === "USER") user = args(i).trim();
  if (keyword === "EXPOSE") for (const port of args(i).split(/\s+/).filter(Boolean)) exposed.add(Number(port.split("/")[0]));
  if (keyword === "LABEL") for (const [, key] of args(i).matchAll(/(?:^|\s)([a-z0-9.-]+)=/g)) labels.add(key);
}

const values = parse(read("deploy/k8s/helm/envoy-trace-filter/values.yaml"));
const uid = user?.split(":")[0];
if (!user) errors.push("Dockerfile: the final stage sets no USER (it would run as root)");
else if (!/^\d+$/.test(uid) || uid === "0") errors.push(`Dockerfile: USER ${user} must be a numeric non-root uid (runAsNonRoot can only verify numbers)`);
else if (Number(uid) !== values.podSecurityContext.runAsUser) {
  errors.push(`Dockerfile: USER ${uid} differs from the chart's podSecurityContext.runAsUser ${values.podSecurityContext.runAsUser}`);
}
for (const port of [values.config.Port, values.config.Admin.Port]) {
  if (!exposed.has(port)) errors.push(`Dockerfile: the final stage does not EXPOSE ${port} (the chart's default ext_proc / admin port)`);
}
for (const label of ["title", "description", "version", "revision"].map((l) => `org.opencontainers.image.${l}`)) {
  if (!labels.has(label)) errors.push(`Dockerfile: the final stage has no ${label} label`);
}

if (errors.length > 0) {
  for (const e of errors) console.error(e);
  process.exit(1);
}
console.log(`Dockerfile: valid; runs \`${recipe}\`; COPY sources present and not ignored; USER ${user}, EXPOSE ${[...exposed].join(" ")}, ${labels.size} labels`);
