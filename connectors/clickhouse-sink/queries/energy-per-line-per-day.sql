-- Energy and cost per production line per day, from the line-level 15-minute windows of
-- energy.consumption-15m.v1 (each window counted once even if the energy job re-emitted it after a restart).
SELECT
    scopePath AS line,
    toDate(windowStart) AS day,
    round(sum(energyKwh), 3) AS energyKwh,
    round(sum(cost), 2) AS cost,
    any(currency) AS currency,
    count() AS windows
FROM
(
    SELECT scopePath, windowStart, energyKwh, cost, currency
    FROM fieldmesh.energy_consumption_15m_v1
    WHERE level = 'LINE'
    LIMIT 1 BY scopePath, windowStart
)
GROUP BY line, day
ORDER BY day, line;
