{{/*
One Switchboard service: ServiceAccount, ConfigMap (its settings), Deployment, Service, and where it
applies a HorizontalPodAutoscaler and a PodDisruptionBudget. dict "root" $ "component" "edge".
*/}}
{{- define "switchboard.workload" -}}
{{- $root := .root -}}
{{- $component := .component -}}
{{- $ctx := dict "root" $root "component" $component -}}
{{- $values := index $root.Values $component -}}
{{- $name := include "switchboard.componentName" $ctx -}}
{{- $namespace := include "switchboard.namespace" $root -}}
{{- $config := include "switchboard.config" $ctx -}}
{{- $autoscaling := and (hasKey $values "autoscaling") $values.autoscaling.enabled -}}
{{- $apiAccess := or (eq (include "switchboard.loadsCatalog" $ctx) "true") (eq (include "switchboard.usesProviders" $ctx) "true") -}}
{{- $simulator := $root.Values.providerSimulator.enabled -}}
{{- $credentials := $root.Values.providers.credentials -}}
{{- $mountCredentials := and (eq (include "switchboard.usesProviders" $ctx) "true") (not $simulator) $credentials.existingSecret -}}
{{- $vaultCa := and (eq (include "switchboard.usesProviders" $ctx) "true") (not $simulator) (eq $credentials.source "vault") $credentials.vault.caSecret.name -}}
{{- $kafkaCa := and (eq (include "switchboard.usesKafkaChannels" $ctx) "true") $root.Values.kafka.tls.caSecret.name -}}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ $name }}
  namespace: {{ $namespace }}
  labels:
    {{- include "switchboard.labels" $ctx | nindent 4 }}
automountServiceAccountToken: false
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ printf "%s-config" $name }}
  namespace: {{ $namespace }}
  labels:
    {{- include "switchboard.labels" $ctx | nindent 4 }}
data:
  {{- $config | nindent 2 }}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $name }}
  namespace: {{ $namespace }}
  labels:
    {{- include "switchboard.labels" $ctx | nindent 4 }}
spec:
  {{- if not $autoscaling }}
  replicas: {{ $values.replicas }}
  {{- end }}
  revisionHistoryLimit: 5
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 1
      maxUnavailable: 0
  selector:
    matchLabels:
      {{- include "switchboard.selectorLabels" $ctx | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "switchboard.labels" $ctx | nindent 8 }}
      annotations:
        checksum/config: {{ $config | sha256sum }}
        {{- with $values.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ $name }}
      automountServiceAccountToken: {{ $apiAccess }}
      enableServiceLinks: false
      terminationGracePeriodSeconds: {{ include "switchboard.terminationGrace" (dict "root" $root "values" $values) }}
      securityContext:
        {{- include "switchboard.podSecurityContext" $root | nindent 8 }}
      {{- with $root.Values.global.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- if $root.Values.topologySpread.enabled }}
      {{- include "switchboard.topologySpread" $ctx | nindent 6 }}
      {{- end }}
      {{- with $values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $values.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: {{ $component }}
          image: {{ include "switchboard.image" (dict "root" $root "image" $values.image) }}
          imagePullPolicy: {{ $values.image.pullPolicy }}
          ports:
            - name: http
              containerPort: {{ $values.port }}
              protocol: TCP
          envFrom:
            - configMapRef:
                name: {{ printf "%s-config" $name }}
          {{- $secretEnv := include "switchboard.secretEnv" $ctx }}
          {{- if or (trim $secretEnv) $values.extraEnv }}
          env:
            {{- with trim $secretEnv }}
            {{- . | nindent 12 }}
            {{- end }}
            {{- with $values.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          {{- end }}
          startupProbe:
            httpGet:
              path: /q/health/started
              port: http
            periodSeconds: {{ $root.Values.probes.startup.periodSeconds }}
            timeoutSeconds: {{ $root.Values.probes.startup.timeoutSeconds }}
            failureThreshold: {{ $root.Values.probes.startup.failureThreshold }}
          readinessProbe:
            httpGet:
              path: /q/health/ready
              port: http
            periodSeconds: {{ $root.Values.probes.readiness.periodSeconds }}
            timeoutSeconds: {{ $root.Values.probes.readiness.timeoutSeconds }}
            failureThreshold: {{ $root.Values.probes.readiness.failureThreshold }}
          livenessProbe:
            httpGet:
              path: /q/health/live
              port: http
            periodSeconds: {{ $root.Values.probes.liveness.periodSeconds }}
            timeoutSeconds: {{ $root.Values.probes.liveness.timeoutSeconds }}
            failureThreshold: {{ $root.Values.probes.liveness.failureThreshold }}
          lifecycle:
            preStop:
              sleep:
                seconds: {{ $root.Values.shutdown.preStopSleepSeconds }}
          resources:
            {{- toYaml $values.resources | nindent 12 }}
          securityContext:
            {{- include "switchboard.containerSecurityContext" $root | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            {{- if eq $component "router" }}
            - name: usage-spool
              mountPath: {{ $values.usageSpool.mountPath }}
            {{- end }}
            {{- if $mountCredentials }}
            - name: provider-credentials
              mountPath: /etc/switchboard/provider-credentials
              readOnly: true
            {{- end }}
            {{- if $vaultCa }}
            - name: vault-ca
              mountPath: /etc/switchboard/vault-ca
              readOnly: true
            {{- end }}
            {{- if $kafkaCa }}
            - name: kafka-ca
              mountPath: /etc/switchboard/kafka-ca
              readOnly: true
            {{- end }}
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: 256Mi
        {{- if eq $component "router" }}
        - name: usage-spool
          emptyDir:
            {{- with $values.usageSpool.medium }}
            medium: {{ . }}
            {{- end }}
            sizeLimit: {{ $values.usageSpool.sizeLimit }}
        {{- end }}
        {{- if $mountCredentials }}
        - name: provider-credentials
          secret:
            secretName: {{ $credentials.existingSecret }}
        {{- end }}
        {{- if $vaultCa }}
        - name: vault-ca
          secret:
            secretName: {{ $credentials.vault.caSecret.name }}
        {{- end }}
        {{- if $kafkaCa }}
        - name: kafka-ca
          secret:
            secretName: {{ $root.Values.kafka.tls.caSecret.name }}
        {{- end }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ $name }}
  namespace: {{ $namespace }}
  labels:
    {{- include "switchboard.labels" $ctx | nindent 4 }}
    switchboard.dev/metrics: "true"
spec:
  type: {{ (dig "service" "type" "ClusterIP" $values) }}
  selector:
    {{- include "switchboard.selectorLabels" $ctx | nindent 4 }}
  ports:
    - name: http
      port: {{ $values.port }}
      targetPort: http
      protocol: TCP
{{- if $autoscaling }}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ $name }}
  namespace: {{ $namespace }}
  labels:
    {{- include "switchboard.labels" $ctx | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ $name }}
  minReplicas: {{ $values.autoscaling.minReplicas }}
  maxReplicas: {{ $values.autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $values.autoscaling.targetCPUUtilizationPercentage }}
  behavior:
    scaleDown:
      stabilizationWindowSeconds: 300
{{- end }}
{{- if or $autoscaling (gt (int $values.replicas) 1) }}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ $name }}
  namespace: {{ $namespace }}
  labels:
    {{- include "switchboard.labels" $ctx | nindent 4 }}
spec:
  maxUnavailable: {{ $values.pdb.maxUnavailable }}
  selector:
    matchLabels:
      {{- include "switchboard.selectorLabels" $ctx | nindent 6 }}
{{- end }}
{{- end -}}
