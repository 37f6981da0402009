{{/* The chart's generated files, read once per template that needs them. */}}
{{- define "fieldmesh.kafkaPlan" -}}
{{- .Files.Get "generated/kafka.yaml" -}}
{{- end -}}
{{- define "fieldmesh.domainPlan" -}}
{{- .Files.Get "generated/domains.yaml" -}}
{{- end -}}

{{- define "fieldmesh.name" -}}
{{- printf "%s-%s" .root.Release.Name .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "fieldmesh.labels" -}}
app.kubernetes.io/name: fieldmesh
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/component: {{ .component }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{- define "fieldmesh.selector" -}}
app.kubernetes.io/name: fieldmesh
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "fieldmesh.image" -}}
{{- $image := .root.Values.image -}}
image: {{ printf "%s/%s-%s:%s" $image.registry $image.repository .service $image.tag | quote }}
imagePullPolicy: {{ $image.pullPolicy }}
{{- end -}}

{{/* Restricted Pod Security Standard: non-root, no privilege escalation, no capabilities, RuntimeDefault seccomp. */}}
{{- define "fieldmesh.podSecurityContext" -}}
securityContext:
  runAsNonRoot: true
  runAsUser: {{ .Values.podSecurity.runAsUser }}
  runAsGroup: {{ .Values.podSecurity.runAsGroup }}
  fsGroup: {{ .Values.podSecurity.fsGroup }}
  # Only a volume whose root does not match is re-owned: a recursive pass would add group bits to the
  # gateway's 0600 key file, which it then refuses as exposed.
  fsGroupChangePolicy: OnRootMismatch
  seccompProfile:
    type: RuntimeDefault
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
automountServiceAccountToken: false
{{- end -}}

{{- define "fieldmesh.containerSecurityContext" -}}
securityContext:
  runAsNonRoot: true
  allowPrivilegeEscalation: false
  readOnlyRootFilesystem: true
  capabilities:
    drop: [ALL]
  seccompProfile:
    type: RuntimeDefault
{{- end -}}

{{/* tsx compiles into the temporary directory; the root filesystem is read-only. */}}
{{- define "fieldmesh.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: 256Mi
{{- end -}}

{{- define "fieldmesh.kafkaBootstrap" -}}
{{- printf "%s-kafka-bootstrap:%d" .Values.kafka.clusterName (int .Values.kafka.listenerPort) -}}
{{- end -}}

{{- define "fieldmesh.registryUrl" -}}
{{- printf "http://%s:%d" (include "fieldmesh.name" (dict "root" . "component" "registry")) (int .Values.registry.port) -}}
{{- end -}}

{{/* How every component logs in to Kafka: its KafkaUser's SCRAM password and the cluster CA, as FIELDMESH_KAFKA_* read them. */}}
{{- define "fieldmesh.kafkaEnv" -}}
- name: FIELDMESH_KAFKA_BROKERS
  value: {{ include "fieldmesh.kafkaBootstrap" .root | quote }}
- name: FIELDMESH_KAFKA_SECURITY_PROTOCOL
  value: SASL_SSL
- name: FIELDMESH_KAFKA_SSL_CA_FILE
  value: /etc/fieldmesh/kafka-ca/ca.crt
- name: FIELDMESH_KAFKA_SASL_MECHANISM
  value: SCRAM-SHA-512
- name: FIELDMESH_KAFKA_SASL_USERNAME
  value: {{ .principal | quote }}
- name: FIELDMESH_KAFKA_SASL_PASSWORD_FILE
  value: /etc/fieldmesh/kafka-user/password
{{- end -}}

{{- define "fieldmesh.kafkaVolumeMounts" -}}
- name: kafka-ca
  mountPath: /etc/fieldmesh/kafka-ca
  readOnly: true
- name: kafka-user
  mountPath: /etc/fieldmesh/kafka-user
  readOnly: true
- name: tmp
  mountPath: /tmp
{{- end -}}

{{/* Strimzi keeps the cluster CA in <cluster>-cluster-ca-cert and each KafkaUser's password in a Secret named as the user. */}}
{{- define "fieldmesh.kafkaVolumes" -}}
- name: kafka-ca
  secret:
    secretName: {{ printf "%s-cluster-ca-cert" .root.Values.kafka.clusterName }}
    items:
      - { key: ca.crt, path: ca.crt }
- name: kafka-user
  secret:
    secretName: {{ .principal }}
    items:
      - { key: password, path: password }
{{ include "fieldmesh.tmpVolume" . }}
{{- end -}}

{{/* /health answers 503 while a gateway's uplink or a connector is down: readiness, never liveness (a restart would not bring Kafka back). */}}
{{- define "fieldmesh.httpProbes" -}}
livenessProbe:
  httpGet: { path: {{ .live }}, port: {{ .port }} }
  initialDelaySeconds: 20
  periodSeconds: 20
  timeoutSeconds: 5
  failureThreshold: 3
readinessProbe:
  httpGet: { path: {{ .ready }}, port: {{ .port }} }
  periodSeconds: 10
  timeoutSeconds: 5
  failureThreshold: 3
startupProbe:
  httpGet: { path: {{ .live }}, port: {{ .port }} }
  periodSeconds: 5
  failureThreshold: 60
{{- end -}}
