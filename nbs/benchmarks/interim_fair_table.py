"""Interim README table (until the one-commit rerun): the hybrid's committed folds (older commits) against the fair
field in results/fair_field/ (one commit), paired by fold. Run: python nbs/benchmarks/interim_fair_table.py results"""
import json, sys
from pathlib import Path
import pandas as pd
res = Path(sys.argv[1]); ff = res / "fair_field"
SETS = ["pbmc3k", "baron_human", "scdcc_10x_pbmc", "scdcc_mouse_bladder", "scdcc_worm_neuron", "scdcc_human_kidney", "scdcc_cite_cbmc"]
FAIR = ["l1_logreg", "l1_logreg_balanced", "linear_svc", "linear_svc_balanced", "celltypist"]
COMMITS = {"scdcc_10x_pbmc": "a0404ef", "scdcc_worm_neuron": "a0404ef", "scdcc_human_kidney": "9a6f57c", "scdcc_cite_cbmc": "before 5ece4eb"}
ff_commit = json.loads((ff / "pbmc3k" / "params.json").read_text())["git_commit"][:7]
rows = []
for ds in SETS:
    h = pd.read_csv(res / ds / "folds.csv").query("method == 'hybrid'").set_index("fold")["macro_f1"]
    f = pd.read_csv(ff / ds / "folds.csv").pivot(index="fold", columns="method", values="macro_f1")[FAIR]
    best = f.mean().idxmax(); d = h - f[best]
    won, lost = int((d > 0).sum()), int((d < 0).sum())
    rows.append({"dataset": ds, "hybrid": f"{h.mean():.3f}", "hybrid from": COMMITS.get(ds, "85542e5"),
                 **{m: f"{f[m].mean():.3f}" for m in FAIR}, "best fair": best,
                 "hybrid - best (won/lost)": f"{d.mean():+.3f} ({won}/{lost}, {'win' if lost == 0 and won == 5 else 'loss' if won == 0 and lost == 5 else 'tie'})"})
t = pd.DataFrame(rows)
print(f"fair field at commit {ff_commit}")
print("| " + " | ".join(t.columns) + " |\n|" + "---|" * len(t.columns))
for r in t.itertuples(index=False): print("| " + " | ".join(map(str, r)) + " |")
diffs = [float(r.split()[0]) for r in t["hybrid - best (won/lost)"]]
print(f"mean {sum(diffs)/len(diffs):+.3f}; up {sum(x > 0 for x in diffs)}, down {sum(x < 0 for x in diffs)}")
