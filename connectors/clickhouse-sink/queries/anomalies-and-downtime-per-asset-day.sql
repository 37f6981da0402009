-- Anomalies and downtime per asset per day: anomalous champion windows (asset-health.anomaly-scores.v1) and,
-- from the alert lifecycle (asset-health.alerts.v1), alerts opened that day and minutes from OPENED to CLOSED
-- (an alert still open counts until now, or until the newest alert event when a simulated plant's clock runs ahead). Scores are deduplicated by window, since a replayed window is
-- re-emitted identically. Runs on ClickHouse 18.16 and current versions alike.
SELECT
    assetPath,
    day,
    sum(anomalyCount) AS anomalousWindows,
    sum(alertCount) AS alertsOpened,
    round(sum(openSeconds) / 60, 1) AS downtimeMinutes
FROM
(
    SELECT assetPath, toDate(windowStart) AS day, count() AS anomalyCount, toUInt64(0) AS alertCount, toFloat64(0) AS openSeconds
    FROM
    (
        SELECT assetPath, windowStart
        FROM fieldmesh.asset_health_anomaly_scores_v1
        WHERE role = 'CHAMPION' AND anomalous = 1
        LIMIT 1 BY assetPath, windowStart, modelName, modelVersion
    )
    GROUP BY assetPath, day
    UNION ALL
    SELECT assetPath, toDate(opened) AS day, toUInt64(0) AS anomalyCount, count() AS alertCount,
        toFloat64(sum(if(closed > opened, toUnixTimestamp(closed), greatest(toUnixTimestamp(now()), (SELECT toUnixTimestamp(max(at)) FROM fieldmesh.asset_health_alerts_v1))) - toUnixTimestamp(opened))) AS openSeconds
    FROM
    (
        SELECT assetPath, alertId, minIf(at, type = 'OPENED') AS opened, maxIf(at, type = 'CLOSED') AS closed
        FROM fieldmesh.asset_health_alerts_v1
        GROUP BY assetPath, alertId
        HAVING countIf(type = 'OPENED') > 0
    )
    GROUP BY assetPath, day
)
GROUP BY assetPath, day
ORDER BY day, assetPath;
