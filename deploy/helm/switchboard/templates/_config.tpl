{{/*
What each service is told, as environment variables. Every name is one the service reads (its
application.properties' ${ENV} references, or the environment form of a switchboard.* / quarkus.* /
kafka.* setting it reads); deploy/chart-tests checks that, so a typo here fails the build.

"switchboard.config": the plain settings of a service, a YAML map (its ConfigMap, consumed with envFrom;
its checksum is a pod annotation, so a change rolls the pods).
"switchboard.secretEnv": the env entries that come from Secrets, or that interpolate one with $(NAME),
a YAML list (in the pod spec itself: Kubernetes expands $(NAME) only there).
Both take dict "root" $ "component" "edge".
*/}}

{{- define "switchboard.usesKafkaChannels" -}}
{{- has .component (list "edge" "auth" "router" "billing" "analytics" "prober") -}}
{{- end -}}

{{- define "switchboard.usesRedis" -}}
{{- has .component (list "edge" "router" "prober") -}}
{{- end -}}

{{- define "switchboard.usesInternalToken" -}}
{{- has .component (list "edge" "auth" "router" "billing" "analytics") -}}
{{- end -}}

{{- define "switchboard.usesProviders" -}}
{{- has .component (list "router" "prober") -}}
{{- end -}}

{{- define "switchboard.loadsCatalog" -}}
{{- has .component (splitList " " (include "switchboard.catalogServices" .root)) -}}
{{- end -}}

{{- define "switchboard.config" -}}
{{- $root := .root -}}
{{- $v := $root.Values -}}
{{- $values := index $v .component -}}
SWITCHBOARD_BIND_HOST: "0.0.0.0"
QUARKUS_SHUTDOWN_TIMEOUT: {{ printf "%vs" (include "switchboard.drainSeconds" (dict "root" $root "values" $values)) | quote }}
{{- with $values.javaToolOptions }}
JAVA_TOOL_OPTIONS: {{ . | quote }}
{{- end }}
{{- with $v.observability.otlpEndpoint }}
QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT: {{ . | quote }}
{{- end }}
{{- if $v.observability.traceSampleRatio }}
SWITCHBOARD_TRACE_SAMPLE_RATIO: {{ $v.observability.traceSampleRatio | toString | quote }}
{{- end }}
KAFKA_BOOTSTRAP_SERVERS: {{ $v.kafka.bootstrapServers | quote }}
{{- if eq (include "switchboard.usesKafkaChannels" .) "true" }}
{{- if ne $v.kafka.securityProtocol "PLAINTEXT" }}
KAFKA_SECURITY_PROTOCOL: {{ $v.kafka.securityProtocol | quote }}
{{- end }}
{{- if hasPrefix "SASL_" $v.kafka.securityProtocol }}
KAFKA_SASL_MECHANISM: {{ $v.kafka.sasl.mechanism | quote }}
{{- end }}
{{- if $v.kafka.tls.caSecret.name }}
KAFKA_SSL_TRUSTSTORE_TYPE: "PEM"
KAFKA_SSL_TRUSTSTORE_LOCATION: {{ printf "/etc/switchboard/kafka-ca/%s" $v.kafka.tls.caSecret.key | quote }}
{{- end }}
{{- end }}
{{- if and (eq (include "switchboard.usesRedis" .) "true") (not $v.redis.password.existingSecret) }}
REDIS_URL: {{ include "switchboard.redisUrl" $root | quote }}
{{- end }}
{{- if eq (include "switchboard.loadsCatalog" .) "true" }}
SWITCHBOARD_CATALOG_CONFIG_MAP_NAME: {{ include "switchboard.catalogConfigMapName" $root | quote }}
SWITCHBOARD_CATALOG_CONFIG_MAP_KEY: {{ $v.catalog.configMap.key | quote }}
{{- end }}
{{- if eq .component "edge" }}
AUTH_URL: {{ include "switchboard.url" (dict "root" $root "component" "auth") | quote }}
ROUTER_URL: {{ include "switchboard.url" (dict "root" $root "component" "router") | quote }}
ANALYTICS_URL: {{ include "switchboard.url" (dict "root" $root "component" "analytics") | quote }}
{{- end }}
{{- if eq .component "router" }}
AUTH_URL: {{ include "switchboard.url" (dict "root" $root "component" "auth") | quote }}
SWITCHBOARD_ROUTER_USAGE_SPOOL_DIR: {{ $v.router.usageSpool.mountPath | quote }}
{{- end }}
{{- if eq .component "auth" }}
BILLING_URL: {{ include "switchboard.url" (dict "root" $root "component" "billing") | quote }}
ANALYTICS_URL: {{ include "switchboard.url" (dict "root" $root "component" "analytics") | quote }}
{{- end }}
{{- if has .component (list "auth" "billing") }}
POSTGRES_URL: {{ include "switchboard.postgresUrl" $root | quote }}
{{- end }}
{{- if eq .component "analytics" }}
CLICKHOUSE_URL: {{ $v.clickhouse.url | quote }}
CLICKHOUSE_DATABASE: {{ $v.clickhouse.database | quote }}
SWITCHBOARD_CLICKHOUSE_COMPRESSION: {{ $v.clickhouse.compression | quote }}
SWITCHBOARD_CLICKHOUSE_RAW_TTL_DAYS: {{ $v.clickhouse.rawTtlDays | quote }}
SWITCHBOARD_CLICKHOUSE_ROLLUP_TTL_DAYS: {{ $v.clickhouse.rollupTtlDays | quote }}
{{- end }}
{{- if eq .component "prober" }}
SWITCHBOARD_PROBER_LEADER_ELECTION_MODE: "lease"
SWITCHBOARD_PROBER_LEADER_ELECTION_LEASE_NAME: {{ include "switchboard.proberLeaseName" $root | quote }}
{{- end }}
{{- if eq (include "switchboard.usesProviders" .) "true" }}
{{- include "switchboard.providerConfig" $root }}
{{- end }}
{{- end -}}

{{- define "switchboard.providerConfig" -}}
{{- $v := .Values -}}
{{- if $v.providerSimulator.enabled }}
{{- $catalog := include "switchboard.catalogContent" . | fromYaml -}}
{{- $sim := printf "http://%s:%v" (include "switchboard.componentName" (dict "root" . "component" "provider-simulator")) $v.providerSimulator.port -}}
{{- range $catalog.providers }}
{{- $env := upper (replace "-" "_" .name) -}}
{{- $path := regexReplaceAll "^[a-z]+://[^/]+" .base_url "" }}
{{ printf "SWITCHBOARD_PROVIDERS_%s_BASE_URL" $env }}: {{ printf "%s/%s%s" $sim .name $path | quote }}
{{- end }}
{{- else }}
{{- range $name, $url := $v.providers.baseUrls }}
{{ printf "SWITCHBOARD_PROVIDERS_%s_BASE_URL" (upper (replace "-" "_" $name)) }}: {{ $url | quote }}
{{- end }}
{{- if $v.providers.credentials.existingSecret }}
SWITCHBOARD_CREDENTIALS_DIR: "/etc/switchboard/provider-credentials"
{{- end }}
{{- if eq $v.providers.credentials.source "vault" }}
{{- $vault := $v.providers.credentials.vault }}
SWITCHBOARD_CREDENTIALS_SOURCE: "vault"
SWITCHBOARD_CREDENTIALS_VAULT_PATH: {{ $vault.path | quote }}
QUARKUS_VAULT_URL: {{ required "providers.credentials.vault.url is required when providers.credentials.source is vault" $vault.url | quote }}
QUARKUS_VAULT_AUTHENTICATION_KUBERNETES_ROLE: {{ $vault.role | quote }}
QUARKUS_VAULT_AUTHENTICATION_KUBERNETES_AUTH_MOUNT_PATH: {{ $vault.authMountPath | quote }}
QUARKUS_VAULT_KV_SECRET_ENGINE_MOUNT_PATH: {{ $vault.kvMount | quote }}
{{- if $vault.caSecret.name }}
QUARKUS_VAULT_TLS_CA_CERT: {{ printf "/etc/switchboard/vault-ca/%s" $vault.caSecret.key | quote }}
{{- end }}
{{- end }}
{{- end }}
{{- end -}}

{{- define "switchboard.secretEnv" -}}
{{- $root := .root -}}
{{- $v := $root.Values -}}
{{- if eq (include "switchboard.usesInternalToken" .) "true" }}
{{ include "switchboard.secretKeyRef" (dict "name" "SWITCHBOARD_INTERNAL_TOKEN" "secret" $v.secrets.existingSecret "key" $v.secrets.keys.internalToken) }}
{{- end }}
{{- if eq .component "auth" }}
{{ include "switchboard.secretKeyRef" (dict "name" "SWITCHBOARD_KEY_SECRET" "secret" $v.secrets.existingSecret "key" $v.secrets.keys.keySecret) }}
{{- end }}
{{- if has .component (list "auth" "analytics") }}
{{ include "switchboard.secretKeyRef" (dict "name" "SWITCHBOARD_ADMIN_TOKEN" "secret" $v.secrets.existingSecret "key" $v.secrets.keys.adminToken) }}
{{- end }}
{{- if has .component (list "auth" "billing") }}
{{- $user := index $v.postgresql.users .component }}
{{ include "switchboard.secretKeyRef" (dict "name" "POSTGRES_USER" "secret" $user.existingSecret "key" $user.usernameKey) }}
{{ include "switchboard.secretKeyRef" (dict "name" "POSTGRES_PASSWORD" "secret" $user.existingSecret "key" $user.passwordKey) }}
{{- end }}
{{- if eq .component "analytics" }}
{{ include "switchboard.secretKeyRef" (dict "name" "CLICKHOUSE_USER" "secret" $v.clickhouse.auth.existingSecret "key" $v.clickhouse.auth.usernameKey) }}
{{ include "switchboard.secretKeyRef" (dict "name" "CLICKHOUSE_PASSWORD" "secret" $v.clickhouse.auth.existingSecret "key" $v.clickhouse.auth.passwordKey) }}
{{- end }}
{{- if and (eq (include "switchboard.usesRedis" .) "true") $v.redis.password.existingSecret }}
{{ include "switchboard.secretKeyRef" (dict "name" "SB_SECRET_REDIS_PASSWORD" "secret" $v.redis.password.existingSecret "key" $v.redis.password.key) }}
- name: REDIS_URL
  value: {{ include "switchboard.redisUrl" $root | quote }}
{{- end }}
{{- if and (eq (include "switchboard.usesKafkaChannels" .) "true") (hasPrefix "SASL_" $v.kafka.securityProtocol) }}
{{- $sasl := $v.kafka.sasl }}
{{ include "switchboard.secretKeyRef" (dict "name" "SB_SECRET_KAFKA_SASL_USERNAME" "secret" (required "kafka.sasl.existingSecret is required with a SASL_ security protocol" $sasl.existingSecret) "key" $sasl.usernameKey) }}
{{ include "switchboard.secretKeyRef" (dict "name" "SB_SECRET_KAFKA_SASL_PASSWORD" "secret" $sasl.existingSecret "key" $sasl.passwordKey) }}
{{- $module := ternary "org.apache.kafka.common.security.plain.PlainLoginModule" "org.apache.kafka.common.security.scram.ScramLoginModule" (eq $sasl.mechanism "PLAIN") }}
- name: KAFKA_SASL_JAAS_CONFIG
  value: {{ printf "%s required username=\"$(SB_SECRET_KAFKA_SASL_USERNAME)\" password=\"$(SB_SECRET_KAFKA_SASL_PASSWORD)\";" $module | quote }}
{{- end }}
{{- if and (eq (include "switchboard.usesProviders" .) "true") $v.providerSimulator.enabled }}
{{- $catalog := include "switchboard.catalogContent" $root | fromYaml }}
{{- range $catalog.providers }}
{{- $key := printf "sim-%s-key" .name }}
{{- if eq .family "bedrock-converse" }}
{{- $key = printf "sim-%s-akid:sim-%s-key" .name .name }}
{{- end }}
# the simulator's built-in test credential (public, not a secret)
- name: {{ printf "SWITCHBOARD_PROVIDERS_%s_API_KEY" (upper (replace "-" "_" .name)) }}
  value: {{ $key | quote }}
{{- end }}
{{- end }}
{{- end -}}

{{- define "switchboard.secretKeyRef" -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ .secret }}
      key: {{ .key }}
{{- end -}}

{{- define "switchboard.redisUrl" -}}
{{- $r := .Values.redis -}}
{{- $scheme := ternary "rediss" "redis" $r.tls -}}
{{- $auth := "" -}}
{{- if $r.password.existingSecret -}}
{{- $auth = printf "%s:$(SB_SECRET_REDIS_PASSWORD)@" $r.username -}}
{{- end -}}
{{- printf "%s://%s%s:%v/%v" $scheme $auth $r.host $r.port $r.database -}}
{{- end -}}

{{- define "switchboard.postgresUrl" -}}
{{- $p := .Values.postgresql -}}
{{- $url := printf "postgresql://%s:%v/%s" $p.host $p.port $p.database -}}
{{- if $p.sslmode -}}
{{- $url = printf "%s?sslmode=%s" $url $p.sslmode -}}
{{- end -}}
{{- $url -}}
{{- end -}}
