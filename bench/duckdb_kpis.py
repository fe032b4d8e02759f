"""The eleven longwan-2006 targets with their breakdowns by township and by
responsible unit, written as SQL and run in DuckDB on the facts that
`tuijin bench --duckdb` exported as CSV. Prints one JSON object: the median
time of running every query (the tables are loaded once, untimed) and the
figures, for the benchmark to compare with its own.

Usage: python3 duckdb_kpis.py DIR YEAR AS_OF RUNS
"""

import json
import statistics
import sys
import time

import duckdb

d, year, as_of, runs = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
con = duckdb.connect()
con.execute(f"PRAGMA threads=2")

tables = {
    "stats": "enterprise_id BIGINT, year INTEGER, month INTEGER, output BIGINT, sales BIGINT",
    "enterprises": "id BIGINT, township VARCHAR",
    "above": "enterprise_id BIGINT, year INTEGER",
    "projects": "id BIGINT, kind VARCHAR, key_project INTEGER, area BIGINT, reserved_on DATE, approved_on DATE, "
    "land_supplied_on DATE, started_on DATE, in_production_on DATE, planned_year INTEGER, township VARCHAR, unit VARCHAR",
    "investments": "project_id BIGINT, year INTEGER, month INTEGER, yuan BIGINT",
    "parcels": "id BIGINT, area BIGINT, expropriated_on DATE, supplied_on DATE, township VARCHAR",
    "brands": "id BIGINT, level VARCHAR, status VARCHAR, granted_on DATE",
}
for name, cols in tables.items():
    columns = ", ".join(
        f"'{c.split()[0]}': '{c.split()[1]}'" for c in cols.split(", ")
    )
    con.execute(
        f"CREATE TABLE {name} AS SELECT * FROM read_csv('{d}/{name}.csv', header=true, "
        f"columns={{{columns}}}, nullstr='', quote='\"')"
    )
# Empty strings are codes ("" = no unit), not NULL.
con.execute("UPDATE projects SET unit = coalesce(unit, ''), township = coalesce(township, '')")
con.execute("UPDATE enterprises SET township = coalesce(township, '')")
con.execute("UPDATE parcels SET township = coalesce(township, '')")

Y, S, A = year, f"DATE '{year}-01-01'", f"DATE '{as_of}'"
M = int(as_of[5:7])


def growth(scope):
    # Summed per enterprise first, then joined to townships (the join then
    # sees 200,000 rows, not millions).
    where = f"year IN ({Y}, {Y - 1}) AND month <= {M}"
    if scope == "above":
        where += f" AND enterprise_id IN (SELECT enterprise_id FROM above WHERE year = {Y})"
    return (
        f"WITH s AS (SELECT enterprise_id, "
        f"sum(CASE WHEN year = {Y} THEN output ELSE 0 END) AS cur, "
        f"sum(CASE WHEN year = {Y - 1} THEN output ELSE 0 END) AS base "
        f"FROM stats WHERE {where} GROUP BY enterprise_id) "
        f"SELECT coalesce(e.township, '') AS g, sum(cur)::BIGINT, sum(base)::BIGINT "
        f"FROM s LEFT JOIN enterprises e ON e.id = s.enterprise_id GROUP BY 1"
    )


def queries():
    """(code, kind, sql): every query returns rows to fold into figures."""
    q = []
    q.append(("total_output_growth", "growth", growth("all")))
    q.append(("above_scale_output_growth", "growth", growth("above")))
    q.append(
        (
            "industrial_investment",
            "sum",
            f"SELECT coalesce(p.township, '') AS town, coalesce(p.unit, '') AS unit, sum(i.yuan)::BIGINT AS v "
            f"FROM investments i LEFT JOIN projects p ON p.id = i.project_id "
            f"WHERE i.year = {Y} AND i.month <= {M} GROUP BY ALL",
        )
    )
    q.append(
        (
            "key_projects_reserved",
            "count",
            f"SELECT township, unit, count(*) FROM projects WHERE key_project = 1 "
            f"AND reserved_on BETWEEN {S} AND {A} GROUP BY ALL",
        )
    )
    q.append(
        (
            "tech_renovation_approvals",
            "count",
            f"SELECT township, unit, count(*) FROM projects WHERE kind = 'tech_renovation' "
            f"AND approved_on BETWEEN {S} AND {A} GROUP BY ALL",
        )
    )
    q.append(
        (
            "billion_sales_enterprises",
            "count_enterprises",
            f"SELECT coalesce(e.township, '') AS g, count(*) FROM ("
            f"SELECT enterprise_id FROM stats WHERE year = {Y} AND month <= {M} "
            f"GROUP BY enterprise_id HAVING sum(sales) >= 1000000000) x "
            f"LEFT JOIN enterprises e ON e.id = x.enterprise_id GROUP BY 1",
        )
    )
    q.append(
        (
            "china_well_known_trademarks",
            "brands",
            f"SELECT count(*) FROM brands WHERE level = 'china_well_known' AND status = 'granted' "
            f"AND granted_on BETWEEN {S} AND {A}",
        )
    )
    q.append(
        (
            "cohort_2005_land_started",
            "cohort_projects",
            f"SELECT township, unit, count(*), count(*) FILTER (WHERE started_on <= {A}), "
            f"sum(area)::BIGINT, coalesce(sum(area) FILTER (WHERE started_on <= {A}), 0)::BIGINT FROM projects "
            f"WHERE land_supplied_on < {S} AND (started_on IS NULL OR started_on >= {S}) GROUP BY ALL",
        )
    )
    q.append(
        (
            "expropriated_land_supplied",
            "cohort_parcels",
            f"SELECT township, count(*), count(*) FILTER (WHERE supplied_on <= {A}), "
            f"sum(area)::BIGINT, coalesce(sum(area) FILTER (WHERE supplied_on <= {A}), 0)::BIGINT FROM parcels "
            f"WHERE expropriated_on < {S} AND (supplied_on IS NULL OR supplied_on >= {S}) GROUP BY ALL",
        )
    )
    q.append(
        (
            "land_supplied_2006_started",
            "cohort_projects",
            f"SELECT township, unit, count(*), count(*) FILTER (WHERE started_on <= {A}), "
            f"sum(area)::BIGINT, coalesce(sum(area) FILTER (WHERE started_on <= {A}), 0)::BIGINT FROM projects "
            f"WHERE land_supplied_on BETWEEN {S} AND {A} GROUP BY ALL",
        )
    )
    q.append(
        (
            "planned_2006_completed",
            "cohort_projects",
            f"SELECT township, unit, count(*), count(*) FILTER (WHERE in_production_on <= {A}), "
            f"sum(area)::BIGINT, coalesce(sum(area) FILTER (WHERE in_production_on <= {A}), 0)::BIGINT FROM projects "
            f"WHERE planned_year = {Y} GROUP BY ALL",
        )
    )
    return q


def add(d, k, vals):
    old = d.get(k)
    d[k] = vals if old is None else [a + b for a, b in zip(old, vals)]


def fold(code, kind, rows):
    """Totals and breakdowns in the shape `tuijin bench` prints its own."""
    total, town, unit = None, {}, {}
    if kind == "growth":
        cur = sum(r[1] for r in rows)
        base = sum(r[2] for r in rows)
        total = [cur, base]
        town = {r[0]: [r[1], r[2]] for r in rows}
    elif kind == "sum":
        total = [sum(r[2] for r in rows)]
        for t, u, v in rows:
            add(town, t, [v])
            add(unit, u, [v])
    elif kind == "count":
        total = [sum(r[2] for r in rows)]
        for t, u, v in rows:
            add(town, t, [v])
            add(unit, u, [v])
    elif kind == "count_enterprises":
        total = [sum(r[1] for r in rows)]
        town = {r[0]: [r[1]] for r in rows}
    elif kind == "brands":
        total = [rows[0][0]]
    elif kind == "cohort_projects":
        n = sum(r[2] for r in rows)
        reached = sum(r[3] for r in rows)
        area = sum(r[4] for r in rows)
        area_reached = sum(r[5] for r in rows)
        total = [reached, n]
        if code == "cohort_2005_land_started":
            total += [area_reached, area]
        for t, u, c, rc, _, _ in rows:
            add(town, t, [rc, c])
            add(unit, u, [rc, c])
    elif kind == "cohort_parcels":
        total = [sum(r[2] for r in rows), sum(r[1] for r in rows),
                 sum(r[4] for r in rows), sum(r[3] for r in rows)]
        # The rate is by area: parts are areas.
        town = {r[0]: [r[4], r[3]] for r in rows}
    return {"total": total, "township": town, "unit": unit}


qs = queries()
times, figures = [], {}
per_query = {code: [] for code, _, _ in qs}
for i in range(max(runs, 1)):
    t = time.perf_counter()
    results = []
    for code, kind, sql in qs:
        tq = time.perf_counter()
        results.append((code, kind, con.execute(sql).fetchall()))
        per_query[code].append((time.perf_counter() - tq) * 1000)
    times.append((time.perf_counter() - t) * 1000)
    if i == 0:
        figures = {code: fold(code, kind, rows) for code, kind, rows in results}
print(json.dumps({"median_ms": statistics.median(times), "runs_ms": times,
                  "per_query_ms": {k: statistics.median(v) for k, v in per_query.items()},
                  "duckdb": duckdb.__version__, "figures": figures}))
