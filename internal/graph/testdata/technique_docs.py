#!/usr/bin/env python3
"""Writes ../technique_docs.json, the reviewer's text of each catalogue
technique (what it is, what it needs, how to fix it, references), from
pathfinding.cloud's path files in pathfinding-cloud/ (Apache 2.0, see
../pathfinding-cloud-LICENSE and ../pathfinding-cloud-NOTICE).

Run from internal/graph: python3 testdata/technique_docs.py (needs PyYAML).
TestTechniqueDocs checks that the result covers the catalogue."""
import glob, json, os, yaml

here = os.path.dirname(os.path.abspath(__file__))
out = {}
for f in sorted(glob.glob(os.path.join(here, "pathfinding-cloud/data/paths/*/*.yaml"))):
    d = yaml.safe_load(open(f))
    pre = d.get("prerequisites") or {}
    if isinstance(pre, list):
        pre = {"admin": pre}
    perms = d.get("permissions") or {}
    def plist(k):
        return [{"Permission": p.get("permission", ""), "Constraint": (p.get("resourceConstraints") or "").strip()}
                for p in perms.get(k) or []]
    steps = [{"Command": s.get("command", "").strip(), "Description": (s.get("description") or "").strip()}
             for s in (d.get("exploitationSteps") or {}).get("awscli") or []]
    out[d["id"]] = {
        "ID": d["id"],
        "Description": d.get("description", "").strip(),
        "PrerequisitesAdmin": [str(x) for x in pre.get("admin") or []],
        "PrerequisitesLateral": [str(x) for x in pre.get("lateral") or []],
        "Required": plist("required"),
        "Additional": plist("additional"),
        "Steps": steps,
        "Recommendation": (d.get("recommendation") or "").strip(),
        "Limitations": (d.get("limitations") or "").strip(),
        "References": [{"Title": r.get("title", ""), "URL": r.get("url", "")} for r in d.get("references") or []],
        "Related": d.get("relatedPaths") or [],
    }
with open(os.path.join(here, "..", "technique_docs.json"), "w") as w:
    json.dump(out, w, indent=1, sort_keys=True, ensure_ascii=False)
    w.write("\n")
