{{/*
Chart name, truncated to the 63 characters of a DNS label.
*/}}
{{- define "nitelog.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Fully qualified app name: the release name, plus the chart name unless the release already has it.
*/}}
{{- define "nitelog.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "nitelog.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "nitelog.labels" -}}
helm.sh/chart: {{ include "nitelog.chart" . }}
{{ include "nitelog.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: nitelog
{{- end }}

{{- define "nitelog.selectorLabels" -}}
app.kubernetes.io/name: {{ include "nitelog.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "nitelog.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "nitelog.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
The image: repository@digest when a digest is set (the tag is then not used), else repository:tag.
*/}}
{{- define "nitelog.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion | toString) }}
{{- end }}
{{- end }}

{{/*
Label matchers for this release's series in the alert expressions: the release namespace and the
Deployment's pod names (<fullname>-<replicaset hash>-<suffix>; a release named <fullname>-x does not match).
*/}}
{{- define "nitelog.alertSelector" -}}
{{- if .Values.prometheusRule.selector }}
{{- .Values.prometheusRule.selector }}
{{- else }}
{{- printf "namespace=%q, pod=~%q" .Release.Namespace (printf "%s-[a-z0-9]+-[a-z0-9]+" (include "nitelog.fullname" .)) }}
{{- end }}
{{- end }}

{{/*
Where the chart mounts things in the container; the image uses the same paths.
*/}}
{{- define "nitelog.stateDir" -}}/var/lib/nitelog{{- end }}
{{- define "nitelog.configDir" -}}/etc/nitelog{{- end }}
{{- define "nitelog.secretDir" -}}/var/run/secrets/nitelog{{- end }}

{{/*
The Secret holding the API key: an existing one, the chart's own, or none (demo mode).
*/}}
{{- define "nitelog.secretName" -}}
{{- if .Values.bytenite.existingSecret }}
{{- .Values.bytenite.existingSecret }}
{{- else if .Values.bytenite.apiKey }}
{{- include "nitelog.fullname" . }}
{{- end }}
{{- end }}

{{- define "nitelog.claimName" -}}
{{- default (printf "%s-state" (include "nitelog.fullname" .)) .Values.persistence.existingClaim }}
{{- end }}

{{/*
nitelog.shutdown.timeout in whole seconds, rounded up. Accepts what nitelog accepts for a
duration short of ISO-8601: a bare number of seconds or a number with ms, s, m, h or d.
*/}}
{{- define "nitelog.shutdownSeconds" -}}
{{- $raw := "20s" }}
{{- with .Values.config }}{{- with .shutdown }}{{- with .timeout }}{{- $raw = toString . }}{{- end }}{{- end }}{{- end }}
{{- $v := trim $raw }}
{{- if regexMatch "^[0-9]+$" $v }}
{{- $v }}
{{- else if regexMatch "^[0-9]+ms$" $v }}
{{- $ms := trimSuffix "ms" $v | int64 }}
{{- div (add $ms 999) 1000 }}
{{- else if regexMatch "^[0-9]+[smhd]$" $v }}
{{- $n := regexFind "^[0-9]+" $v | int64 }}
{{- $unit := trimPrefix (toString $n) $v }}
{{- $factor := get (dict "s" 1 "m" 60 "h" 3600 "d" 86400) $unit }}
{{- mul $n $factor }}
{{- else }}
{{- fail (printf "config.shutdown.timeout=%q is not a duration the chart understands: write it like 20s, 500ms or 2m" $v) }}
{{- end }}
{{- end }}

{{/*
terminationGracePeriodSeconds: the value given, or the shutdown timeout plus 10 s. Fails when
Kubernetes would kill nitelog before it had the chance to drain its in-flight batches.
*/}}
{{- define "nitelog.terminationGracePeriodSeconds" -}}
{{- $shutdown := include "nitelog.shutdownSeconds" . | int64 }}
{{- if kindIs "invalid" .Values.terminationGracePeriodSeconds }}
{{- add $shutdown 10 }}
{{- else }}
{{- $grace := .Values.terminationGracePeriodSeconds | int64 }}
{{- if le $grace $shutdown }}
{{- fail (printf "terminationGracePeriodSeconds=%d must be longer than config.shutdown.timeout (%ds): Kubernetes would kill nitelog mid-drain; raise it to at least %d or leave it empty (shutdown timeout + 10)" $grace $shutdown (add $shutdown 1)) }}
{{- end }}
{{- $grace }}
{{- end }}
{{- end }}

{{/*
Checks of values that the schema cannot express; included by the Deployment.
*/}}
{{- define "nitelog.validate" -}}
{{- $cfg := .Values.config | default dict }}
{{- with $cfg.state }}
{{- if and .dir (ne (toString .dir) (include "nitelog.stateDir" $)) }}
{{- fail (printf "config.state.dir=%s: the chart mounts the state volume at %s and sets it itself; remove config.state.dir" (toString .dir) (include "nitelog.stateDir" $)) }}
{{- end }}
{{- end }}
{{- with $cfg.bytenite }}
{{- if or (index . "api-key") (index . "api-key-file") }}
{{- fail "config.bytenite.api-key / api-key-file: the key does not belong in the ConfigMap; set bytenite.apiKey or bytenite.existingSecret instead" }}
{{- end }}
{{- end }}
{{- if and .Values.persistence.enabled .Values.updateStrategy (ne (toString .Values.updateStrategy.type) "Recreate") }}
{{- fail "updateStrategy: with persistence.enabled the strategy must be {type: Recreate}: during a RollingUpdate two pods would run on one state volume and ship every line twice" }}
{{- end }}
{{- range $name, $sink := ($cfg.sinks | default dict) }}
{{- if and $sink (not (and (kindIs "map" $sink) $sink.type)) }}
{{- fail (printf "config.sinks.%s has no type: set config.sinks.%s.type to stdout, file, kafka or elasticsearch" $name $name) }}
{{- end }}
{{- end }}
{{- end }}

{{/*
The `nitelog:` tree written to nitelog.yaml: config, with the chart's state directory and, when
no sink is configured, one stdout sink of JSON lines.
*/}}
{{- define "nitelog.configTree" -}}
{{- $cfg := deepCopy (.Values.config | default dict) }}
{{- $state := get $cfg "state" | default dict }}
{{- $_ := set $state "dir" (include "nitelog.stateDir" .) }}
{{- $_ := set $cfg "state" $state }}
{{- $sinks := dict }}
{{- range $name, $sink := ($cfg.sinks | default dict) }}
{{- if $sink }}{{- $_ := set $sinks $name $sink }}{{- end }}
{{- end }}
{{- if not $sinks }}
{{- $_ := set $sinks "stdout" (dict "type" "stdout" "format" "json") }}
{{- end }}
{{- $_ := set $cfg "sinks" $sinks }}
{{- dict "nitelog" $cfg | toYaml }}
{{- end }}
