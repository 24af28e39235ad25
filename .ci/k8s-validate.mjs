// Validates `helm template` output of the nitelog chart, offline:
//  1. every document against the Kubernetes schemas of kubernetes-models 4.5.1 (the
//     ServiceMonitor against @kubernetes-models/prometheus-operator), plus fields the schemas do
//     not know (the compiled validators ignore them; the API server would drop them with a warning);
//  2. the chart's own promises: one poller, hardened pod, probes, grace period longer than the
//     shutdown timeout, a config nitelog can read, selectors that select, a dashboard over
//     nitelog's real metric names.
//  3. given a README.md, its sidecar example as a Pod;
//  4. given a file under an examples/ directory, its native-sidecar manifest (nitelog as an init
//     container with restartPolicy: Always, on its own HTTP port, beside an app container).
// Usage: node .ci/k8s-validate.mjs <node-tools-dir> <rendered.yaml | README.md | examples/*.yaml>...
// (exit 1 on any problem)
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";

const [toolsDir, ...files] = process.argv.slice(2);
if (!toolsDir || files.length === 0) {
  console.error("usage: node .ci/k8s-validate.mjs <node-tools-dir> <rendered.yaml>...");
  process.exit(2);
}
const require = createRequire(path.resolve(toolsDir, "package.json"));
const yaml = require("js-yaml");

// apiVersion -> module with one export per kind.
function modelModule(apiVersion) {
  if (apiVersion === "v1") return require("kubernetes-models/v1");
  if (apiVersion.startsWith("monitoring.coreos.com/")) {
    return require(`@kubernetes-models/prometheus-operator/${apiVersion}`);
  }
  return require(`kubernetes-models/${apiVersion}`);
}

// Wraps a document so that every property the schema validator looks at is recorded; a property
// it never looked at, in an object it did look into, is one the schema does not define.
function tracking(value, where, seen) {
  if (value === null || typeof value !== "object") return value;
  const entry = { value, where, read: new Set(), all: false, visited: false };
  seen.push(entry);
  return new Proxy(value, {
    get(target, key) {
      if (typeof key === "string") {
        entry.visited = true;
        entry.read.add(key);
        return tracking(target[key], `${where}${Array.isArray(target) ? `[${key}]` : `.${key}`}`, seen);
      }
      return target[key];
    },
    has(target, key) {
      entry.visited = true;
      entry.read.add(key);
      return key in target;
    },
    ownKeys(target) {
      entry.visited = true;
      entry.all = true;
      return Reflect.ownKeys(target);
    },
  });
}

function unknownFields(seen) {
  const out = [];
  for (const e of seen) {
    if (!e.visited || e.all || Array.isArray(e.value)) continue;
    for (const key of Object.keys(e.value)) {
      if (!e.read.has(key)) out.push(`${e.where}.${key}`);
    }
  }
  return out;
}

const problems = [];
const problem = (file, what) => problems.push(`${path.basename(file)}: ${what}`);

function schemaCheck(file, doc) {
  const id = `${doc.kind}/${doc.metadata?.name}`;
  let Model;
  try {
    Model = modelModule(doc.apiVersion)[doc.kind];
  } catch {
    Model = undefined;
  }
  if (!Model) {
    problem(file, `${id}: no schema for ${doc.apiVersion} ${doc.kind}`);
    return;
  }
  const seen = [];
  try {
    Model.prototype.validate.call(tracking(doc, id, seen));
  } catch (e) {
    problem(file, `${id}: ${e.message}`);
  }
  for (const field of unknownFields(seen)) problem(file, `unknown field ${field}`);
}

// nitelog's metrics (Micrometer's Prometheus names); timers and summaries add _sum/_count/_max
// and, with histograms on, _bucket.
// METRICS each have a dashboard panel; KNOWN_METRICS are all the names that exist (docs/operations.md).
const METRICS = [
  "nitelog_polls_total", "nitelog_poll_duration_seconds", "nitelog_poll_response_bytes",
  "nitelog_records_fetched_total", "nitelog_records_skipped_total", "nitelog_records_malformed_total",
  "nitelog_records_late_total", "nitelog_sink_records_queued_total", "nitelog_sink_records_sent_total",
  "nitelog_sink_failures_total", "nitelog_sink_queue_depth", "nitelog_jobs", "nitelog_lag_seconds",
  "nitelog_checkpoint_writes_total", "nitelog_token_renewals_total",
  "nitelog_sink_records_dead_lettered_total", "nitelog_checkpoint_failures_total",
  "nitelog_api_throttled_seconds_total", "nitelog_api_requests_total", "nitelog_responses_truncated_total",
  "nitelog_sink_lag_seconds",
];
const KNOWN_METRICS = [
  ...METRICS, "nitelog_sink_records_retried_total", "nitelog_sink_batch_duration_seconds",
  "nitelog_sink_queue_capacity", "nitelog_api_retries_total",
  // 1 while a sink's last write succeeded, 0 while it fails (per sink).
  "nitelog_sink_up",
  // 1 for each ByteNite endpoint's current circuit state (closed, half_open, open), else 0.
  "nitelog_api_circuit_state",
  // Always 1; labels version and revision.
  "nitelog_build_info",
];
const DISTRIBUTIONS = ["nitelog_poll_duration_seconds", "nitelog_poll_response_bytes", "nitelog_sink_batch_duration_seconds"];
// Grafana links and provisioning find the dashboard by this uid: it must not change.
const DASHBOARD_UID = "nitelog";

// A metric name used in a query is one nitelog serves (a distribution's _bucket/_sum/_count/_max too).
function knownMetric(name) {
  const base = name.replace(/_(bucket|sum|count|max)$/, "");
  return KNOWN_METRICS.includes(name) || (DISTRIBUTIONS.includes(base) && base !== name);
}
const SINK_TYPES = ["stdout", "file", "kafka", "elasticsearch"];

function seconds(duration) {
  const m = /^(\d+)(ms|s|m|h|d)?$/.exec(String(duration).trim());
  if (!m) return NaN;
  const factor = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 }[m[2] ?? "s"];
  return Number(m[1]) * factor;
}

function selects(selector = {}, labels = {}) {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}

function chartCheck(file, docs) {
  const byKind = (kind) => docs.filter((d) => d.kind === kind);
  const deployments = byKind("Deployment");
  if (deployments.length !== 1) {
    problem(file, `expected one Deployment, found ${deployments.length}`);
    return;
  }
  const dep = deployments[0];
  const pod = dep.spec.template.spec;
  const podLabels = dep.spec.template.metadata.labels;
  if (!(dep.spec.replicas <= 1)) problem(file, `replicas=${dep.spec.replicas}: nitelog is a single poller per state dir`);
  if (!selects(dep.spec.selector.matchLabels, podLabels)) problem(file, "Deployment selector does not select its pod template");

  const volumes = new Map((pod.volumes ?? []).map((v) => [v.name, v]));
  const container = pod.containers.find((c) => c.name === "nitelog");
  if (!container) {
    problem(file, "no container named nitelog");
    return;
  }
  const mountOf = (dir) => (container.volumeMounts ?? []).find((m) => m.mountPath === dir);
  for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
    for (const m of c.volumeMounts ?? []) {
      if (!volumes.has(m.name)) problem(file, `container ${c.name}: volumeMount ${m.name} has no volume`);
    }
  }
  const stateMount = mountOf("/var/lib/nitelog");
  const stateVolume = stateMount && volumes.get(stateMount.name);
  if (!stateVolume) problem(file, "no volume at /var/lib/nitelog (the state dir)");
  else if (stateVolume.persistentVolumeClaim && dep.spec.strategy?.type !== "Recreate") {
    problem(file, `state on a PVC but strategy ${dep.spec.strategy?.type}: two pods would share the state`);
  }
  if (!mountOf("/tmp")) problem(file, "no writable /tmp under a read-only root filesystem");

  const psc = pod.securityContext ?? {};
  if (psc.runAsNonRoot !== true || psc.runAsUser !== 10001 || psc.seccompProfile?.type !== "RuntimeDefault") {
    problem(file, `pod securityContext not hardened: ${JSON.stringify(psc)}`);
  }
  const csc = container.securityContext ?? {};
  if (csc.readOnlyRootFilesystem !== true || csc.allowPrivilegeEscalation !== false
      || !(csc.capabilities?.drop ?? []).includes("ALL")) {
    problem(file, `container securityContext not hardened: ${JSON.stringify(csc)}`);
  }
  if (!container.resources?.limits?.memory) problem(file, "no memory limit (the heap is sized from it)");
  const portNames = new Set((container.ports ?? []).map((p) => p.name));
  for (const [probe, wanted] of [["livenessProbe", "/q/health/live"], ["readinessProbe", "/q/health/ready"], ["startupProbe", "/q/health/live"]]) {
    const get = container[probe]?.httpGet;
    if (get?.path !== wanted || !portNames.has(get?.port)) problem(file, `${probe} is not GET ${wanted} on a named container port`);
  }
  const podAnnotations = dep.spec.template.metadata.annotations ?? {};
  if (!podAnnotations["checksum/config"]) problem(file, "no checksum/config annotation: config changes would not roll the pod");
  if (byKind("Secret").length > 0 && !podAnnotations["checksum/secret"]) problem(file, "the chart's Secret has no checksum/secret annotation: a new key would not roll the pod");
  if (!/^[^@\s]+(?::[\w][\w.-]{0,127}|@sha256:[a-f0-9]{64})$/.test(container.image)) problem(file, `image ${container.image} is neither repository:tag nor repository@sha256:digest`);

  // The config nitelog will read.
  const env = Object.fromEntries((container.env ?? []).filter((e) => "value" in e).map((e) => [e.name, e.value]));
  const cmVolume = [...volumes.values()].find((v) => v.configMap && mountOf("/etc/nitelog")?.name === v.name);
  const cm = cmVolume && byKind("ConfigMap").find((c) => c.metadata.name === cmVolume.configMap.name);
  if (env.NITELOG_CONFIG !== "/etc/nitelog/nitelog.yaml" || !cm?.data?.["nitelog.yaml"]) {
    problem(file, "NITELOG_CONFIG does not point at a rendered nitelog.yaml mounted at /etc/nitelog");
  } else {
    let config;
    try {
      config = yaml.load(cm.data["nitelog.yaml"])?.nitelog;
    } catch (e) {
      problem(file, `nitelog.yaml does not parse: ${e.message}`);
    }
    if (config) {
      const sinks = Object.entries(config.sinks ?? {});
      if (sinks.length === 0) problem(file, "nitelog.yaml has no sink");
      for (const [name, sink] of sinks) {
        if (!SINK_TYPES.includes(sink?.type)) problem(file, `sink ${name} has type ${sink?.type}`);
      }
      if (config.state?.dir !== "/var/lib/nitelog") problem(file, `state.dir=${config.state?.dir} is not the state volume`);
      if ("api-key" in (config.bytenite ?? {})) problem(file, "the API key is in the ConfigMap");
      const timeout = seconds(config.shutdown?.timeout ?? "20s");
      const grace = pod.terminationGracePeriodSeconds;
      if (!(grace > timeout)) problem(file, `terminationGracePeriodSeconds=${grace} is not longer than shutdown.timeout (${timeout}s)`);
    }
  }
  const keyFile = env.NITELOG_BYTENITE_API_KEY_FILE;
  if (keyFile) {
    const mount = (container.volumeMounts ?? []).find((m) => keyFile.startsWith(`${m.mountPath}/`));
    const secret = mount && volumes.get(mount.name)?.secret;
    if (!secret || !(secret.items ?? []).some((i) => `${mount.mountPath}/${i.path}` === keyFile)) {
      problem(file, `NITELOG_BYTENITE_API_KEY_FILE=${keyFile} is not a mounted Secret key`);
    }
  }

  // Service and ServiceMonitor select what they should.
  const services = byKind("Service");
  if (services.length !== 1) problem(file, `expected one Service, found ${services.length}`);
  for (const svc of services) {
    if (!selects(svc.spec.selector, podLabels)) problem(file, `Service ${svc.metadata.name} does not select the pod`);
    for (const p of svc.spec.ports) {
      if (typeof p.targetPort === "string" && !portNames.has(p.targetPort)) problem(file, `Service port ${p.name} targets unknown port ${p.targetPort}`);
    }
  }
  for (const sm of byKind("ServiceMonitor")) {
    const svc = services.find((s) => selects(sm.spec.selector.matchLabels, s.metadata.labels));
    if (!svc) problem(file, `ServiceMonitor ${sm.metadata.name} selects no Service`);
    for (const ep of sm.spec.endpoints) {
      if (svc && !svc.spec.ports.some((p) => p.name === ep.port)) problem(file, `ServiceMonitor endpoint port ${ep.port} is not a Service port`);
      if (ep.path !== "/q/metrics") problem(file, `ServiceMonitor scrapes ${ep.path}, not /q/metrics`);
    }
  }

  for (const pm of byKind("PodMonitor")) {
    if (!selects(pm.spec.selector.matchLabels, podLabels)) problem(file, `PodMonitor ${pm.metadata.name} does not select the pod`);
    for (const ep of pm.spec.podMetricsEndpoints ?? []) {
      if (!portNames.has(ep.port)) problem(file, `PodMonitor endpoint port ${ep.port} is not a container port`);
      if (ep.path !== "/q/metrics") problem(file, `PodMonitor scrapes ${ep.path}, not /q/metrics`);
    }
  }
  for (const pdb of byKind("PodDisruptionBudget")) {
    if (!selects(pdb.spec.selector.matchLabels, podLabels)) problem(file, `PodDisruptionBudget ${pdb.metadata.name} does not select the pod`);
    if (("minAvailable" in pdb.spec) === ("maxUnavailable" in pdb.spec)) problem(file, "PodDisruptionBudget needs exactly one of minAvailable and maxUnavailable");
  }
  for (const np of byKind("NetworkPolicy")) {
    if (!selects(np.spec.podSelector.matchLabels, podLabels)) problem(file, `NetworkPolicy ${np.metadata.name} does not select the pod`);
    const ingressPorts = (np.spec.ingress ?? []).flatMap((r) => (r.ports ?? []).map((p) => p.port));
    if (!ingressPorts.some((p) => portNames.has(p))) problem(file, "NetworkPolicy admits no traffic to the HTTP port (probes, metrics)");
    const egressPorts = (np.spec.egress ?? []).flatMap((r) => (r.ports ?? []).map((p) => p.port));
    if (!egressPorts.includes(53)) problem(file, "NetworkPolicy allows no DNS");
    if (!egressPorts.includes(443)) problem(file, "NetworkPolicy allows no HTTPS to the ByteNite API");
  }
  for (const pr of byKind("PrometheusRule")) {
    const rules = pr.spec.groups.flatMap((g) => g.rules);
    const alerts = rules.map((r) => r.alert).filter(Boolean);
    if (new Set(alerts).size !== alerts.length) problem(file, `PrometheusRule ${pr.metadata.name} has duplicate alert names`);
    for (const r of rules) {
      for (const name of String(r.expr).match(/nitelog_[a-z_]+/g) ?? []) {
        if (!knownMetric(name)) problem(file, `alert ${r.alert ?? r.record} uses unknown metric ${name}`);
      }
      if (r.alert && (!r.labels?.severity || !r.annotations?.summary)) problem(file, `alert ${r.alert} has no severity label or summary`);
      if ((String(r.expr).match(/\(/g) ?? []).length !== (String(r.expr).match(/\)/g) ?? []).length) problem(file, `alert ${r.alert}: unbalanced parentheses`);
    }
    console.log(`   PrometheusRule ${pr.metadata.name}: ${alerts.length} alerts (${alerts.join(", ")})`);
  }

  // The Grafana dashboard, when rendered, uses nitelog's metric names and nothing else.
  for (const cmap of byKind("ConfigMap").filter((c) => c.metadata.labels?.grafana_dashboard !== undefined)) {
    for (const [key, text] of Object.entries(cmap.data ?? {})) {
      let dash;
      try {
        dash = JSON.parse(text);
      } catch (e) {
        problem(file, `dashboard ${key} is not JSON: ${e.message}`);
        continue;
      }
      const panels = (dash.panels ?? []).flatMap((p) => [p, ...(p.panels ?? [])]);
      const exprs = panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
      const used = new Set(exprs.flatMap((e) => e.match(/nitelog_[a-z_]+/g) ?? []));
      for (const name of used) {
        if (!knownMetric(name)) problem(file, `dashboard ${key} uses unknown metric ${name}`);
      }
      if (dash.uid !== DASHBOARD_UID) problem(file, `dashboard ${key} has uid ${dash.uid}, not the stable ${DASHBOARD_UID}`);
      for (const metric of METRICS) {
        if (![...used].some((u) => u === metric || u.startsWith(`${metric}_`))) problem(file, `dashboard ${key} has no panel for ${metric}`);
      }
      const ids = panels.map((p) => p.id);
      if (new Set(ids).size !== ids.length) problem(file, `dashboard ${key} has duplicate panel ids`);
      console.log(`   dashboard ${key}: ${panels.filter((p) => p.type !== "row").length} panels, ${used.size} series names, all known`);
    }
  }
}

// The README's sidecar snippet (the first yaml block after "## The sidecar pattern"), as a Pod.
function sidecarCheck(file) {
  const text = fs.readFileSync(file, "utf8");
  const section = text.slice(text.indexOf("## The sidecar pattern"));
  const block = /```yaml\n([\s\S]*?)```/.exec(section);
  if (!block) {
    problem(file, "no yaml block in the sidecar section");
    return;
  }
  const pod = { apiVersion: "v1", kind: "Pod", ...yaml.load(block[1]) };
  pod.metadata = { name: "sidecar-example", ...pod.metadata };
  schemaCheck(file, pod);
  const nitelog = pod.spec.containers.find((c) => c.name === "nitelog");
  const env = Object.fromEntries((nitelog?.env ?? []).map((e) => [e.name, e.value ?? e.valueFrom]));
  if (env.NITELOG_JOBS_DISCOVER !== "false" || env.NITELOG_JOBS_IDS !== "$(JOB_ID)" || !env.JOB_ID) {
    problem(file, "the sidecar does not follow exactly $(JOB_ID) with discovery off");
  }
  const names = new Set(pod.spec.volumes.map((v) => v.name));
  for (const m of nitelog?.volumeMounts ?? []) if (!names.has(m.name)) problem(file, `sidecar mount ${m.name} has no volume`);
  if (!(pod.spec.terminationGracePeriodSeconds > 20)) problem(file, "sidecar grace period is not longer than the 20s shutdown timeout");
  console.log(`   ${path.basename(file)}: sidecar Pod snippet validated (${pod.spec.containers.map((c) => c.name).join(", ")})`);
}

// A native sidecar example: every document against the schemas, then the pod that runs nitelog.
function nativeSidecarCheck(file, docs) {
  for (const doc of docs) schemaCheck(file, doc);
  const podSpecOf = (d) => (d.kind === "Pod" ? d.spec : d.kind === "CronJob" ? d.spec?.jobTemplate?.spec?.template?.spec : d.spec?.template?.spec);
  const pods = docs.map(podSpecOf).filter((p) => p?.initContainers?.some((c) => c.name === "nitelog"));
  if (pods.length !== 1) {
    problem(file, `expected one pod with an init container named nitelog, found ${pods.length}`);
    return;
  }
  const pod = pods[0];
  const nitelog = pod.initContainers.find((c) => c.name === "nitelog");
  if (nitelog.restartPolicy !== "Always") problem(file, "nitelog is not a native sidecar (restartPolicy: Always)");
  const env = Object.fromEntries((nitelog.env ?? []).map((e) => [e.name, e.value ?? e.valueFrom]));
  if (env.NITELOG_JOBS_DISCOVER !== "false" || env.NITELOG_JOBS_IDS !== "$(JOB_ID)" || !env.JOB_ID) {
    problem(file, "the sidecar does not follow exactly $(JOB_ID) with discovery off");
  }
  if (env.NITELOG_JOBS_EXIT_WHEN_DONE !== "true") problem(file, "NITELOG_JOBS_EXIT_WHEN_DONE is not \"true\"");
  const port = Number(env.NITELOG_HTTP_PORT ?? env.QUARKUS_HTTP_PORT ?? 8080);
  if (port === 8080) problem(file, "nitelog's HTTP port is the default 8080, which the app is likely to use");
  const named = new Map((nitelog.ports ?? []).map((p) => [p.name, p.containerPort]));
  if (![...named.values()].includes(port)) problem(file, `no containerPort ${port} on nitelog`);
  for (const probe of ["startupProbe", "livenessProbe", "readinessProbe"]) {
    const target = nitelog[probe]?.httpGet?.port;
    if (target !== undefined && (named.get(target) ?? target) !== port) problem(file, `${probe} targets ${target}, not nitelog's port ${port}`);
  }
  if (!nitelog.startupProbe) problem(file, "no startupProbe on nitelog: the app could start before nitelog follows the job");
  const apps = pod.containers ?? [];
  if (apps.length === 0) problem(file, "no app container beside nitelog");
  for (const app of apps) {
    for (const p of app.ports ?? []) if (p.containerPort === port) problem(file, `container ${app.name} uses nitelog's port ${port}`);
    const script = [...(app.command ?? []), ...(app.args ?? [])].join(" ");
    for (const [, used] of script.matchAll(/(?:127\.0\.0\.1|localhost):(\d+)\/q\//g)) {
      if (Number(used) !== port) problem(file, `container ${app.name} calls nitelog on port ${used}, not ${port}`);
    }
  }
  const volumeNames = new Set((pod.volumes ?? []).map((v) => v.name));
  for (const c of [...pod.initContainers, ...apps]) {
    for (const m of c.volumeMounts ?? []) if (!volumeNames.has(m.name)) problem(file, `container ${c.name}: mount ${m.name} has no volume`);
  }
  if (!(pod.terminationGracePeriodSeconds > 20)) problem(file, "grace period is not longer than nitelog's 20s shutdown timeout");
  console.log(`   ${path.basename(file)}: native sidecar nitelog (port ${port}) beside ${apps.map((c) => c.name).join(", ")}`);
}

for (const file of files) {
  if (file.endsWith(".md")) {
    sidecarCheck(file);
    continue;
  }
  if (file.split(path.sep).includes("examples")) {
    let docs;
    try {
      docs = yaml.loadAll(fs.readFileSync(file, "utf8")).filter((d) => d && typeof d === "object");
    } catch (e) {
      problem(file, `not YAML: ${e.message}`);
      continue;
    }
    nativeSidecarCheck(file, docs);
    console.log(`   ${path.basename(file)}: ${docs.length} documents validated (${docs.map((d) => d.kind).join(", ")})`);
    continue;
  }
  let docs;
  try {
    docs = yaml.loadAll(fs.readFileSync(file, "utf8")).filter((d) => d && typeof d === "object");
  } catch (e) {
    problem(file, `not YAML: ${e.message}`);
    continue;
  }
  for (const doc of docs) schemaCheck(file, doc);
  chartCheck(file, docs);
  console.log(`   ${path.basename(file)}: ${docs.length} documents validated (${docs.map((d) => d.kind).join(", ")})`);
}
if (problems.length > 0) {
  for (const p of problems) console.error(`   problem: ${p}`);
  process.exit(1);
}
