#!/usr/bin/env python3
"""metric_names.py SOURCE_DIR: every metrogw_* metric the alert rules and the Grafana dashboard use is
one the code registers (a renamed metric must not silently blind a dashboard or an alert), and the
dashboard is valid JSON."""
import json
import os
import re
import sys

root = sys.argv[1]
registered = set()
for folder, _, files in os.walk(root):
    if any(part in folder for part in ("/build", "/tests", "/.git", "/fuzz", "/bench")):
        continue
    for name in files:
        if name.endswith(".cc"):
            with open(os.path.join(folder, name), encoding="utf-8", errors="replace") as f:
                registered.update(re.findall(r'"(metrogw_[a-z0-9_]+)"', f.read()))


def used(text):
    names = set(re.findall(r"\b(metrogw_[a-z0-9_]+)", text))
    return {re.sub(r"_(bucket|sum|count)$", "", n) for n in names}


with open(os.path.join(root, "deploy", "grafana", "metrogw-dashboard.json"), encoding="utf-8") as f:
    dashboard = json.load(f)
exprs = " ".join(t["expr"] for p in dashboard["panels"] for t in p["targets"])
with open(os.path.join(root, "deploy", "prometheus", "alerts.yml"), encoding="utf-8") as f:
    rules = f.read()
missing = sorted((used(exprs) | used(rules)) - registered)
if missing:
    sys.exit(f"metric names used but never registered by the code: {missing}")
print(f"metric_names: {len(used(exprs) | used(rules))} metrics used, all registered")
