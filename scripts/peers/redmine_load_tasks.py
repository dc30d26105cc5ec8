#!/usr/bin/env python3
"""Loads giaoban's bench-data tasks into Redmine through its REST API: one project per unit (its
name as identifier, diacritics folded), one issue per task in the lead unit's project, with the
task's content, assignment day, due date, last progress (done ratio) and state (New / In Progress /
Closed when completed / Rejected when cancelled — but Redmine 5 ignores a closed status given at
creation, so those stay New / In Progress and count as open there). Progress reports are not replayed as journals
(they do not take part in the listing, and 30 000 more PUTs would take Redmine most of an hour);
the create and update operations measured afterwards do write journals.

Idempotent: projects are found by identifier; the issues an earlier measurement created are
deleted; issues are loaded only when Redmine holds fewer issues than giaoban has tasks. Prints `unit_uuid project_identifier` of the benchmark unit.

Usage: redmine_load_tasks.py GIAOBAN_SQLITE_FILE BENCH_UNIT_UUID [--base URL] [--key KEY] [--jobs N]
       [--max-issues N]
Standard library only.
"""
import argparse
import concurrent.futures
import json
import sqlite3
import sys
import time
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
import uuid


# What the subject of every issue created by the measurement (tasks_ops.lua) contains.
MEASURED = "nhiệm vụ tạo khi đo tải"


def slug(name: str) -> str:
    s = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    s = "".join(c for c in s if unicodedata.category(c) != "Mn").lower()
    out = "".join(c if c.isalnum() else "-" for c in s)
    while "--" in out:
        out = out.replace("--", "-")
    return "gb-" + out.strip("-")


class Api:
    def __init__(self, base: str, key: str):
        self.base = base.rstrip("/")
        self.key = key

    def call(self, method: str, path: str, body=None, tries: int = 5):
        data = json.dumps(body).encode() if body is not None else None
        for attempt in range(tries):
            req = urllib.request.Request(
                self.base + path,
                data=data,
                method=method,
                headers={"X-Redmine-API-Key": self.key, "Content-Type": "application/json"},
            )
            try:
                with urllib.request.urlopen(req, timeout=120) as r:
                    raw = r.read()
                    return json.loads(raw) if raw.strip() else None
            except urllib.error.HTTPError as e:
                if e.code == 404:
                    return None
                if e.code >= 500 and attempt + 1 < tries:
                    time.sleep(0.5 * (attempt + 1))
                    continue
                raise RuntimeError(f"{method} {path}: {e.code} {e.read()[:300]!r}")
            except (urllib.error.URLError, TimeoutError):
                if attempt + 1 < tries:
                    time.sleep(1)
                    continue
                raise


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("db")
    ap.add_argument("bench_unit")
    ap.add_argument("--base", default="http://127.0.0.1:3000")
    ap.add_argument("--key", default=None)
    ap.add_argument("--jobs", type=int, default=4)
    ap.add_argument("--max-issues", type=int, default=None,
                    help="load only the first N tasks (Redmine takes minutes per thousand)")
    a = ap.parse_args()
    key = a.key or open("/tmp/redmine-peer/api_key").read().strip()
    api = Api(a.base, key)
    db = sqlite3.connect(f"file:{a.db}?mode=ro", uri=True)
    units = {uuid.UUID(bytes=bytes(r[0])): r[1] for r in db.execute("SELECT id, name FROM units")}
    t0 = time.time()
    project_ids = {}
    for uid, name in sorted(units.items(), key=lambda kv: kv[1]):
        ident = slug(name)
        p = api.call("GET", f"/projects/{ident}.json")
        if p is None:
            p = api.call(
                "POST",
                "/projects.json",
                {"project": {"name": name, "identifier": ident, "is_public": True,
                             "tracker_ids": [1, 2, 3]}},
            )
        project_ids[uid] = (p["project"]["id"], ident)
    t_projects = time.time() - t0

    tasks = db.execute(
        "SELECT id, content, lead_unit_id, assigned_on, due_date, percent, completed_at, cancelled "
        "FROM tasks ORDER BY created_at, id"
    ).fetchall()
    if a.max_issues is not None:
        tasks = tasks[: a.max_issues]
    # The issues an earlier measurement created (tasks_ops.lua's subjects) go first, so that every
    # invocation lists the projects as loaded.
    made = urllib.parse.quote("~" + MEASURED)
    removed = 0
    while True:
        found = api.call("GET", f"/issues.json?status_id=*&subject={made}&limit=100")["issues"]
        if not found:
            break
        for issue in found:
            api.call("DELETE", f"/issues/{issue['id']}.json")
            removed += 1
    if removed:
        print(f"  {removed} issues created by an earlier measurement deleted", file=sys.stderr)
    have = api.call("GET", "/issues.json?status_id=*&limit=1")["total_count"]
    t1 = time.time()
    loaded = 0
    if have < len(tasks):
        todo = tasks[have:] if have else tasks

        def create(row):
            _, content, lead, assigned_on, due, percent, completed_at, cancelled = row
            status = 6 if cancelled else 5 if completed_at else 2 if (percent or 0) > 0 else 1
            issue = {
                "project_id": project_ids[uuid.UUID(bytes=bytes(lead))][0],
                "tracker_id": 3,
                "subject": content[:255],
                "description": content,
                "start_date": assigned_on,
                "status_id": status,
                "done_ratio": min(int(percent or 0) // 10 * 10, 100),
            }
            if due and due >= assigned_on:
                issue["due_date"] = due
            api.call("POST", "/issues.json", {"issue": issue})
            return 1

        with concurrent.futures.ThreadPoolExecutor(a.jobs) as ex:
            for n, _ in enumerate(ex.map(create, todo), 1):
                loaded += 1
                if n % 500 == 0:
                    rate = n / (time.time() - t1)
                    print(f"\r  {n}/{len(todo)} issues, {rate:.0f}/s", end="", file=sys.stderr)
        print(file=sys.stderr)
    t_issues = time.time() - t1
    total = api.call("GET", "/issues.json?status_id=*&limit=1")["total_count"]
    bench = uuid.UUID(a.bench_unit)
    print(
        f"redmine: {len(project_ids)} projects ({t_projects:.1f} s), {total} issues "
        f"({loaded} loaded now in {t_issues:.1f} s"
        + (f", {loaded / t_issues:.0f} issues/s" if loaded else "")
        + ")",
        file=sys.stderr,
    )
    print(f"{bench} {project_ids[bench][1]} {project_ids[bench][0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
