/** The environment that gives the load generator its client certificate (read by mqtt-tls.preload.ts). */
export const LOAD_TLS_ENV = { caFile: 'FIELDMESH_BENCH_MQTT_CA_FILE', certFile: 'FIELDMESH_BENCH_MQTT_CERT_FILE', keyFile: 'FIELDMESH_BENCH_MQTT_KEY_FILE' } as const;
