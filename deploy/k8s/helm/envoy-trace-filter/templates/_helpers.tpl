{{/* Names and labels, in the usual Helm shape. */}}
{{- define "etf.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "etf.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- /* "trace-filter" as a release name is enough: no "trace-filter-envoy-trace-filter". */ -}}
{{- if or (contains $name .Release.Name) (contains "trace-filter" .Release.Name) -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "etf.selectorLabels" -}}
app.kubernetes.io/name: {{ include "etf.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "etf.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "etf.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: envoy-trace-filter
{{- end -}}

{{- define "etf.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "etf.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "etf.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{/*
Whole seconds of a .NET TimeSpan text "[d.]hh:mm:ss[.fffffff]" (the form values.schema.json allows), rounded up.
*/}}
{{- define "etf.seconds" -}}
{{- $days := 0 -}}
{{- $clock := . -}}
{{- $parts := splitList ":" . -}}
{{- $hours := index $parts 0 -}}
{{- if contains "." $hours -}}
{{- $dh := splitList "." $hours -}}
{{- $days = index $dh 0 | atoi -}}
{{- $hours = index $dh 1 -}}
{{- end -}}
{{- $secParts := splitList "." (index $parts 2) -}}
{{- $total := add (mul $days 86400) (mul (atoi $hours) 3600) (mul (index $parts 1 | atoi) 60) (index $secParts 0 | atoi) -}}
{{- if and (gt (len $secParts) 1) (gt (index $secParts 1 | atoi) 0) -}}
{{- $total = add1 $total -}}
{{- end -}}
{{- $total -}}
{{- end -}}

{{/* Drain delay + grace period, the least terminationGracePeriodSeconds must exceed. */}}
{{- define "etf.drainSeconds" -}}
{{- $s := .Values.config.Shutdown -}}
{{- add (include "etf.seconds" $s.DrainDelay | atoi) (include "etf.seconds" $s.GracePeriod | atoi) -}}
{{- end -}}

{{- define "etf.terminationGracePeriodSeconds" -}}
{{- $drain := include "etf.drainSeconds" . | atoi -}}
{{- if kindIs "invalid" .Values.terminationGracePeriodSeconds -}}
{{- $z := include "etf.seconds" .Values.config.Zipkin.ShutdownDrainTimeout | atoi -}}
{{- $x := include "etf.seconds" .Values.config.XRay.ShutdownDrainTimeout | atoi -}}
{{- /* The exporters flush one after the other; 10 s is the margin the service's own shutdown timeout adds. */ -}}
{{- add $drain $z $x 10 -}}
{{- else -}}
{{- $t := .Values.terminationGracePeriodSeconds | int -}}
{{- if le $t $drain -}}
{{- fail (printf "terminationGracePeriodSeconds (%d) must be longer than config.Shutdown.DrainDelay + GracePeriod (%d s), or Kubernetes kills the pod before in-flight streams finish" $t $drain) -}}
{{- end -}}
{{- $t -}}
{{- end -}}
{{- end -}}

{{/* A map without its null values, recursively, as JSON: null keys are left to the service's defaults. */}}
{{- define "etf.pruneNulls" -}}
{{- $out := dict -}}
{{- range $k, $v := . -}}
{{- if kindIs "map" $v -}}
{{- $_ := set $out $k (include "etf.pruneNulls" $v | fromJson) -}}
{{- else if not (kindIs "invalid" $v) -}}
{{- $_ := set $out $k $v -}}
{{- end -}}
{{- end -}}
{{- toJson $out -}}
{{- end -}}

{{- define "etf.configJson" -}}
{{- dict "TraceFilter" (include "etf.pruneNulls" .Values.config | fromJson) | toPrettyJson -}}
{{- end -}}

{{- define "etf.multiReplica" -}}
{{- if or .Values.autoscaling.enabled (gt (int .Values.replicaCount) 1) -}}true{{- end -}}
{{- end -}}
