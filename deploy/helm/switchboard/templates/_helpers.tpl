{{/* Names and labels. */}}

{{- define "switchboard.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "switchboard.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "switchboard.namespace" -}}
{{- default .Release.Namespace .Values.namespaceOverride -}}
{{- end -}}

{{- define "switchboard.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The name of a component's objects: dict "root" $ "component" "edge". */}}
{{- define "switchboard.componentName" -}}
{{- printf "%s-%s" (include "switchboard.fullname" .root) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "switchboard.selectorLabels" -}}
app.kubernetes.io/name: {{ include "switchboard.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "switchboard.labels" -}}
helm.sh/chart: {{ include "switchboard.chart" .root }}
{{ include "switchboard.selectorLabels" . }}
app.kubernetes.io/part-of: switchboard
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
{{- with .root.Values.global.labels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Labels of objects that belong to no one component. */}}
{{- define "switchboard.commonLabels" -}}
helm.sh/chart: {{ include "switchboard.chart" . }}
app.kubernetes.io/name: {{ include "switchboard.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/part-of: switchboard
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.global.labels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* An image reference: dict "root" $ "image" .Values.edge.image. */}}
{{- define "switchboard.image" -}}
{{- $repository := .image.repository -}}
{{- with .root.Values.global.imageRegistry -}}
{{- $repository = printf "%s/%s" (trimSuffix "/" .) $repository -}}
{{- end -}}
{{- if .image.digest -}}
{{- printf "%s@%s" $repository .image.digest -}}
{{- else -}}
{{- printf "%s:%s" $repository (default .root.Chart.AppVersion .image.tag) -}}
{{- end -}}
{{- end -}}

{{/* A service's in-cluster base URL: dict "root" $ "component" "auth". */}}
{{- define "switchboard.url" -}}
{{- $values := index .root.Values .component -}}
{{- printf "http://%s:%v" (include "switchboard.componentName" .) $values.port -}}
{{- end -}}

{{/* The services Switchboard runs, in a fixed order (key: values section = component name). */}}
{{- define "switchboard.services" -}}
edge auth router billing analytics prober
{{- end -}}

{{/* The services that load the catalog (and watch its ConfigMap). */}}
{{- define "switchboard.catalogServices" -}}
edge router billing analytics prober
{{- end -}}

{{- define "switchboard.catalogConfigMapName" -}}
{{- if .Values.catalog.configMap.create -}}
{{- printf "%s-catalog" (include "switchboard.fullname" .) -}}
{{- else -}}
{{- required "catalog.configMap.existingName is required when catalog.configMap.create is false" .Values.catalog.configMap.existingName -}}
{{- end -}}
{{- end -}}

{{- define "switchboard.catalogContent" -}}
{{- if .Values.catalog.content -}}
{{- .Values.catalog.content -}}
{{- else -}}
{{- .Files.Get "files/catalog.yaml" -}}
{{- end -}}
{{- end -}}

{{/* Does the prober elect a leader? Always in a cluster: a Lease. */}}
{{- define "switchboard.proberLeaseName" -}}
{{- printf "%s-health-prober" (include "switchboard.fullname" .) -}}
{{- end -}}

{{/* The Kafka topics job's name. */}}
{{- define "switchboard.kafkaTopicsJob" -}}
{{- and .Values.kafka.topics.job.enabled (not .Values.kafka.topics.strimzi.enabled) -}}
{{- end -}}

{{/* terminationGracePeriodSeconds of a service: preStop sleep + drain + margin. */}}
{{- define "switchboard.terminationGrace" -}}
{{- $shutdown := .root.Values.shutdown -}}
{{- $drain := default $shutdown.drainSeconds .values.drainSeconds -}}
{{- add $shutdown.preStopSleepSeconds $drain $shutdown.graceMarginSeconds -}}
{{- end -}}

{{- define "switchboard.drainSeconds" -}}
{{- default .root.Values.shutdown.drainSeconds .values.drainSeconds -}}
{{- end -}}

{{/* Pod and container security contexts, the same for every pod. */}}
{{- define "switchboard.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.securityContext.runAsUser }}
runAsGroup: {{ .Values.securityContext.runAsGroup }}
fsGroup: {{ .Values.securityContext.fsGroup }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "switchboard.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.securityContext.runAsUser }}
runAsGroup: {{ .Values.securityContext.runAsGroup }}
readOnlyRootFilesystem: true
allowPrivilegeEscalation: false
privileged: false
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Topology spread of a component's pods: dict "root" $ "component" "edge". */}}
{{- define "switchboard.topologySpread" -}}
{{- $spread := .root.Values.topologySpread -}}
topologySpreadConstraints:
  - maxSkew: {{ $spread.maxSkew }}
    topologyKey: topology.kubernetes.io/zone
    whenUnsatisfiable: {{ $spread.zoneWhenUnsatisfiable }}
    labelSelector:
      matchLabels:
        {{- include "switchboard.selectorLabels" . | nindent 8 }}
  - maxSkew: {{ $spread.maxSkew }}
    topologyKey: kubernetes.io/hostname
    whenUnsatisfiable: {{ $spread.hostWhenUnsatisfiable }}
    labelSelector:
      matchLabels:
        {{- include "switchboard.selectorLabels" . | nindent 8 }}
{{- end -}}
