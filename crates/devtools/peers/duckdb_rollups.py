# DuckDB side of `giaoban-bench rollups` (run by the binary with /opt/peers-venv's python).
#
# Startup: turns the exported CSV files into Parquet, loads them into in-memory tables as well,
# computes the roll-up answer from both (they must agree), writes it to answer.csv and prints one
# JSON line {"ready": ...}. Then it answers commands on stdin, one per line, with the seconds the
# work took (one line): `rollup parquet|table`, `rebuild parquet|table`, `quit`.
#
# Roll-up: for every district and the province, every indicator: the quarter's sum, the
# year-to-date sum, the year's plan target and the % of plan, rounded like giaoban's figures
# (scaled integers, value x 10 000; % of plan half away from zero to four places).
# Rebuild: every aggregate giaoban keeps (commune, district, province x indicator x month: sum,
# count, min, max) materialised as a table.
import json, sys, time
import duckdb

out, year, quarter, province = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
first, last = 3 * quarter - 2, 3 * quarter
con = duckdb.connect()
t0 = time.perf_counter()
con.execute(f"""COPY (SELECT * FROM read_csv('{out}/figures.csv', header = true, columns = {{
    'district_id': 'UUID', 'commune_id': 'UUID', 'indicator': 'VARCHAR', 'year': 'SMALLINT',
    'month': 'TINYINT', 'value': 'BIGINT'}}))
    TO '{out}/figures.parquet' (FORMAT parquet)""")
con.execute(f"""COPY (SELECT * FROM read_csv('{out}/targets.csv', header = true, columns = {{
    'unit_id': 'UUID', 'indicator': 'VARCHAR', 'year': 'SMALLINT', 'value': 'BIGINT'}}))
    TO '{out}/targets.parquet' (FORMAT parquet)""")
con.execute(f"CREATE TABLE figures AS SELECT * FROM read_parquet('{out}/figures.parquet')")
con.execute(f"CREATE TABLE targets AS SELECT * FROM read_parquet('{out}/targets.parquet')")
prepare = time.perf_counter() - t0
SOURCES = {
    "parquet": (f"read_parquet('{out}/figures.parquet')", f"read_parquet('{out}/targets.parquet')"),
    "table": ("figures", "targets"),
}


def rollup_sql(src):
    f, t = SOURCES[src]
    return f"""
    WITH g AS (
      SELECT COALESCE(district_id, '{province}'::UUID) AS unit_id, indicator,
             SUM(value) FILTER (WHERE month >= {first}) AS quarter, SUM(value) AS ytd
      FROM {f} WHERE year = {year} AND month <= {last}
      GROUP BY GROUPING SETS ((district_id, indicator), (indicator)))
    SELECT g.unit_id, g.indicator, g.quarter, g.ytd, t.value AS target,
      CASE WHEN t.value IS NULL OR t.value = 0 OR g.ytd IS NULL THEN NULL
           ELSE sign(g.ytd) * sign(t.value)
                * ((abs(g.ytd::HUGEINT) * 2000000 + abs(t.value)) // (2 * abs(t.value::HUGEINT)))
      END AS pct
    FROM g LEFT JOIN {t} t ON t.unit_id = g.unit_id AND t.indicator = g.indicator AND t.year = {year}
    ORDER BY 1, 2"""


def rebuild_sql(src):
    f, _ = SOURCES[src]
    return f"""
    CREATE OR REPLACE TABLE agg AS
    SELECT indicator, year, month, COALESCE(commune_id, district_id, '{province}'::UUID) AS unit_id,
           SUM(value) AS sum_value, COUNT(*) AS count_value, MIN(value) AS min_value,
           MAX(value) AS max_value
    FROM {f}
    GROUP BY GROUPING SETS ((indicator, year, month, district_id, commune_id),
                            (indicator, year, month, district_id), (indicator, year, month))"""


answers = {src: con.execute(rollup_sql(src)).fetchall() for src in SOURCES}
if answers["parquet"] != answers["table"]:
    print(json.dumps({"error": "Parquet and in-memory answers differ"}), flush=True)
    sys.exit(1)
with open(f"{out}/answer.csv", "w") as w:
    w.write("unit_id,indicator,quarter,ytd,target,pct\n")
    for row in answers["table"]:
        w.write(",".join("" if v is None else str(v) for v in row) + "\n")
con.execute(rebuild_sql("table"))
agg_rows, agg_sum = con.execute("SELECT COUNT(*), SUM(sum_value)::VARCHAR FROM agg").fetchone()
threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
print(json.dumps({"ready": True, "duckdb": duckdb.__version__, "threads": threads,
                  "figures": con.execute("SELECT COUNT(*) FROM figures").fetchone()[0],
                  "rows": len(answers["table"]), "aggregates": agg_rows, "aggregate_sum": agg_sum,
                  "prepare_s": prepare}), flush=True)
for line in sys.stdin:
    cmd = line.split()
    if not cmd or cmd[0] == "quit":
        break
    sql = (rollup_sql if cmd[0] == "rollup" else rebuild_sql)(cmd[1])
    t = time.perf_counter()
    if cmd[0] == "rollup":
        con.execute(sql).fetchall()
    else:
        con.execute(sql)
    print(f"{time.perf_counter() - t:.6f}", flush=True)
