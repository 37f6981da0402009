-- Model versions in use: per model name, version and role (CHAMPION drives alerts, SHADOW is a candidate scored
-- beside it), how many windows and assets it scored, how many it found anomalous, and when it last scored.
SELECT
    modelName,
    modelVersion,
    role,
    count() AS windowsScored,
    uniqExact(assetPath) AS assets,
    countIf(anomalous = 1) AS anomalousWindows,
    toString(min(windowStart)) AS firstWindow,
    toString(max(windowStart)) AS lastWindow
FROM fieldmesh.asset_health_anomaly_scores_v1
GROUP BY modelName, modelVersion, role
ORDER BY modelName, role, modelVersion;
