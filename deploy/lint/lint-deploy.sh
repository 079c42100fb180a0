#!/usr/bin/env bash
# make lint-deploy: every deployment artifact checked with real tools, no cluster needed.
#   deploy/lint/lint-deploy.sh            check
#   deploy/lint/lint-deploy.sh --update   re-render deploy/k8s/manifests/ and README's chart values table first
set -euo pipefail
cd "$(dirname "$0")/../.."

deploy/lint/install-tools.sh
tools=".tools/kubectl-layer-2.2.2"
helm="$tools/helm/helm"
kubectl="$tools/kubectl/kubectl"
chart="deploy/k8s/helm/envoy-trace-filter"
manifest="deploy/k8s/manifests/envoy-trace-filter.yaml"
if ! command -v yamllint >/dev/null 2>&1; then
  echo "lint-deploy: yamllint not found; install it (apt-get install yamllint, as .ci/run does)" >&2
  exit 1
fi

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

step() { printf '\n== %s\n' "$*"; }

render_manifests() {
  {
    echo "# Rendered from $chart with its default values, release \"trace-filter\", namespace \"tracing\"."
    echo "# Do not edit: change the chart and run deploy/lint/lint-deploy.sh --update (make lint-deploy checks it)."
    "$helm" template trace-filter "$chart" --namespace tracing
  } > "$1"
}

if [ "${1:-}" = "--update" ]; then
  mkdir -p "$(dirname "$manifest")"
  render_manifests "$manifest"
  node deploy/lint/values-table.mjs --write
fi

step "tool versions"
"$helm" version --short
"$kubectl" version --client
yamllint --version

step "helm lint --strict (default values and every ci/*.yaml)"
"$helm" lint --strict "$chart"
for values in "$chart"/ci/*.yaml; do
  "$helm" lint --strict "$chart" --values "$values"
done

step "helm template (default values and every ci/*.yaml)"
"$helm" template trace-filter "$chart" --namespace tracing > "$out/default.yaml"
rendered=("$out/default.yaml")
for values in "$chart"/ci/*.yaml; do
  name="$(basename "$values" .yaml)"
  "$helm" template trace-filter "$chart" --namespace tracing --values "$values" > "$out/$name.yaml"
  rendered+=("$out/$name.yaml")
done
for file in "${rendered[@]}"; do
  printf '%s: %s objects\n' "$(basename "$file")" "$(grep -c '^kind:' "$file")"
done

step "kubectl kustomize deploy/k8s/manifests (offline build of what kubectl apply -k applies)"
"$kubectl" kustomize deploy/k8s/manifests > "$out/kustomized.yaml"
printf 'kustomized.yaml: %s objects\n' "$(grep -c '^kind:' "$out/kustomized.yaml")"

step "Kubernetes and CRD schemas (kubernetes-models, istio, envoy-gateway, gateway-api, prometheus-operator)"
node deploy/lint/validate-k8s.mjs "${rendered[@]}" "$out/kustomized.yaml" "$manifest" deploy/k8s/istio/*.yaml deploy/k8s/envoy-gateway/*.yaml

step "Envoy configuration field by field (Envoy v3 API)"
node deploy/lint/check-envoy.mjs envoy.yaml deploy/k8s/istio/*.yaml

step "Envoy snippets in NOTES.txt (helm install --dry-run=client, default and full values)"
"$helm" install trace-filter "$chart" --namespace tracing --dry-run=client | sed -n '/^NOTES:/,$p' > "$out/notes-default.txt"
"$helm" install trace-filter "$chart" --namespace tracing --dry-run=client --values "$chart/ci/full-values.yaml" \
  | sed -n '/^NOTES:/,$p' > "$out/notes-full.txt"
node deploy/lint/check-envoy.mjs --notes "$out/notes-default.txt" "$out/notes-full.txt"

step "mesh manifests against envoy.yaml and the Services they name"
node deploy/lint/check-refs.mjs --envoy envoy.yaml --manifests "$manifest" \
  --mesh deploy/k8s/istio/*.yaml deploy/k8s/envoy-gateway/*.yaml

step "Dockerfile (dockerfile-utils validation, make publish's command, COPY sources, USER/EXPOSE/labels against the chart)"
node deploy/lint/check-dockerfile.mjs

step "the service starts with each rendered ConfigMap (make publish, then its own validation)"
if ! make -s publish > "$out/publish.log" 2>&1; then
  cat "$out/publish.log" >&2
  exit 1
fi
node deploy/lint/check-config.mjs out/publish/EnvoyTraceFilter.dll "${rendered[@]}"

step "chart values: values.yaml, values.schema.json and README agree"
node deploy/lint/values-table.mjs

step "yamllint"
yamllint --strict -c deploy/lint/yamllint.yaml envoy.yaml deploy/k8s/istio deploy/k8s/envoy-gateway \
  deploy/k8s/manifests "$chart/values.yaml" "$chart/Chart.yaml" "$chart/ci" "${rendered[@]}" "$out/kustomized.yaml"
echo "ok"

step "plain manifests are current ($manifest)"
render_manifests "$out/manifests.yaml"
if ! diff -u "$manifest" "$out/manifests.yaml"; then
  echo "lint-deploy: $manifest is stale; run deploy/lint/lint-deploy.sh --update" >&2
  exit 1
fi
echo "up to date"

# Last: some self-tests start from the repository's own files, so a broken file is reported above first.
step "checker self-tests (node --test deploy/lint/test/)"
node --test --test-reporter=spec deploy/lint/test/

printf '\nlint-deploy: all checks passed\n'
