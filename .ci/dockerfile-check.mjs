// Lints a Dockerfile with dockerfile-utils (the parser behind the Docker language server) and,
// given a .dockerignore, checks the build context: every COPY/ADD source from the context has
// files in it, and build output, state and VCS data stay out of it.
// Every diagnostic fails, warnings included: the rules that are warnings by default
// (deprecated MAINTAINER, empty continuation lines, single-quoted JSON, relative WORKDIR,
// repeated CMD/ENTRYPOINT/HEALTHCHECK) are all bugs waiting to happen in a file this small.
// Usage: node .ci/dockerfile-check.mjs <node-tools-dir> <Dockerfile> [<.dockerignore>]
import { createRequire } from "node:module";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const [toolsDir, dockerfile, ignoreFile] = process.argv.slice(2);
if (!toolsDir || !dockerfile) {
  console.error("usage: node .ci/dockerfile-check.mjs <node-tools-dir> <Dockerfile> [<.dockerignore>]");
  process.exit(2);
}
const require = createRequire(path.resolve(toolsDir, "package.json"));
const { validate, ValidationSeverity } = require("dockerfile-utils");

const content = fs.readFileSync(dockerfile, "utf8");
const strict = ValidationSeverity.ERROR;
const diagnostics = validate(content, {
  deprecatedMaintainer: strict,
  directiveCasing: strict,
  emptyContinuationLine: strict,
  instructionCasing: strict,
  instructionCmdMultiple: strict,
  instructionEntrypointMultiple: strict,
  instructionHealthcheckMultiple: strict,
  instructionJSONInSingleQuotes: strict,
  instructionWorkdirRelative: strict,
});
let failed = false;
for (const d of diagnostics) {
  failed = true;
  console.error(`   ${dockerfile}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.message}`);
}
const instructions = content.split("\n").filter((l) => /^[A-Z]+\s/.test(l)).length;
console.log(`   dockerfile-utils: ${instructions} instructions, ${diagnostics.length} diagnostics`);

if (ignoreFile) {
  failed = !checkContext(content, ignoreFile) || failed;
}
process.exit(failed ? 1 : 0);

// .dockerignore semantics (moby/patternmatcher): patterns are matched against the path and each of
// its parent directories, in order; the last matching pattern wins; "!" re-includes.
function ignoreRules(file) {
  return fs.readFileSync(file, "utf8").split("\n").map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"))
    .map((l) => {
      const negate = l.startsWith("!");
      const pattern = path.posix.normalize((negate ? l.slice(1) : l).replace(/^\/+/, "")).replace(/\/+$/, "");
      const rx = pattern.split("/").map((part) => part === "**" ? ".*"
        : part.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*").replace(/\?/g, "[^/]")).join("/")
        .replace(/\.\*\//g, "(?:.*/)?");
      return { negate, rx: new RegExp(`^${rx}$`) };
    });
}

function excluded(rules, file) {
  const parts = file.split("/");
  let out = false;
  for (const rule of rules) {
    for (let i = 1; i <= parts.length; i++) {
      if (rule.rx.test(parts.slice(0, i).join("/"))) {
        out = !rule.negate;
        break;
      }
    }
  }
  return out;
}

function checkContext(dockerfileText, ignorePath) {
  const root = path.dirname(path.resolve(ignorePath));
  const rules = ignoreRules(ignorePath);
  const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "--", ".", ":!.ci/.tools"], { cwd: root, encoding: "utf8" })
    .split("\n").filter(Boolean);
  const inContext = files.filter((f) => !excluded(rules, f));
  let ok = true;
  const sources = [];
  for (const line of dockerfileText.replace(/\\\n/g, " ").split("\n")) {
    const m = /^(COPY|ADD)\s+(.*)$/.exec(line.trim());
    if (!m || /--from=/.test(m[2])) continue;
    const args = m[2].split(/\s+/).filter((a) => !a.startsWith("--"));
    sources.push(...args.slice(0, -1));
  }
  for (const src of sources) {
    const prefix = src.replace(/^\.\//, "").replace(/\/+$/, "");
    const hits = inContext.filter((f) => f === prefix || f.startsWith(`${prefix}/`));
    if (hits.length === 0) {
      console.error(`   build context: COPY source ${src} has no file in the context (.dockerignore excludes it?)`);
      ok = false;
    }
  }
  const mustStayOut = ["target/", ".git/", "data/", "bench/", "helm/", ".ci/", "src/test/"];
  for (const f of inContext) {
    const bad = mustStayOut.find((p) => f.startsWith(p)) || f.endsWith(".log");
    if (bad) {
      console.error(`   build context: ${f} would be sent to the builder`);
      ok = false;
    }
  }
  for (const probe of ["target/quarkus-app/quarkus-run.jar", ".git/HEAD", "data/cursor.json", "helm/nitelog/Chart.yaml", "bench/results/x.json", "nitelog.log"]) {
    if (!excluded(rules, probe)) {
      console.error(`   build context: ${probe} is not excluded`);
      ok = false;
    }
  }
  console.log(`   build context: ${inContext.length} of ${files.length} files, COPY sources ${sources.join(" ")} all present`);
  return ok;
}
