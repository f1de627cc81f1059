# Run from the repository root: python nbs/benchmarks/fusion_variants.py DATASET results/fusion_variants/DATASET.json (one OpenMP thread: OMP_NUM_THREADS=1)
"""Fusion variants over the same frozen views: per fold, fit SCHybridBERT once, then score on the test cells
(a) the package's hybrid, (b) the equal-weight ensemble, (c) temperature-scaled ensemble
(one temperature per view fitted by NLL on the validation cells), (d) pick the best of {gene, cell, ensemble}
by validation macro-F1, (e) a scalar view weight picked on the validation cells.
The results in results/fusion_variants/ were made at commit 755ec41, when the package's hybrid was the stacked gate
alone; (d) led to `stack_fusion` scoring each view alone and routing to the best. Today's hybrid (a) also fits the
fusion on cross-fitted outputs of every training cell (`fusion.cross_fit`); the variants (b)-(e) use the validation cells."""
import sys, json, numpy as np, torch
from sklearn.metrics import f1_score
from schybridbert.data import load_dataset
from schybridbert.evaluation import stratified_kfold, stratified_split
from schybridbert.model import SCHybridBERT, resolve_config, _predict_outputs
from schybridbert.fusion import view_log_probs
dataset, out = sys.argv[1], sys.argv[2]
cfg = resolve_config(json.load(open("nbs/benchmarks/configs/cpu-small-4ep.json")))
adata = load_dataset(dataset); labels = adata.obs["cell_type"].astype(str).to_numpy()
f1 = lambda y, p: float(f1_score(y, p, average="macro"))
def fit_temperature(logp, y):
    t = torch.zeros(1, requires_grad=True); opt = torch.optim.LBFGS([t], max_iter=100)
    x, yy = torch.as_tensor(logp), torch.as_tensor(y)
    def closure():
        opt.zero_grad(); loss = torch.nn.functional.cross_entropy(x / t.exp(), yy); loss.backward(); return loss
    opt.step(closure); return float(t.detach().exp())
rows = []
for fold, (tr, te) in enumerate(stratified_kfold(labels, 5, 0)):
    train, test = adata[tr].copy(), adata[te].copy()
    m = SCHybridBERT(cfg, seed=0, progress=False).fit(train, label_key="cell_type")
    y_tr = np.searchsorted(m.classes_, labels[tr]); y_te = labels[te]
    _, val_idx = stratified_split(labels[tr], cfg["val_size"], 0)
    logged = m.preprocessor_.transform(train, "training data"); tokens = m.preprocessor_.tokens(logged, lazy=True)
    gv, cv = view_log_probs(m.module_, tokens, m.graph_, val_idx, "cpu")
    yv = y_tr[val_idx]
    o = _predict_outputs(m, test)
    gt, ct = np.log(np.clip(o["gene_probs"], 1e-12, 1)), np.log(np.clip(o["cell_probs"], 1e-12, 1))
    name = lambda s: m.classes_[s.argmax(1)]
    r = dict(dataset=dataset, fold=fold, hybrid=f1(y_te, name(o["probs"])), gene=f1(y_te, name(gt)), cell=f1(y_te, name(ct)),
             ensemble=f1(y_te, name(gt + ct)))
    Tg, Tc = fit_temperature(gv, yv), fit_temperature(cv, yv)
    r.update(T_gene=Tg, T_cell=Tc, temp_ensemble=f1(y_te, name(gt / Tg + ct / Tc)))
    cands = {"gene": (gv, gt), "cell": (cv, ct), "ensemble": (gv + cv, gt + ct)}
    pick = max(cands, key=lambda k: f1(yv, cands[k][0].argmax(1))); r.update(picked=pick, select=f1(y_te, name(cands[pick][1])))
    ws = np.linspace(0, 1, 11); wbest = max(ws, key=lambda w: (f1(yv, (w * gv + (1 - w) * cv).argmax(1)), -abs(w - 0.5)))
    r.update(w_gene=float(wbest), weighted=f1(y_te, name(wbest * gt + (1 - wbest) * ct)))
    rows.append(r); print(json.dumps(r), flush=True)
json.dump(rows, open(out, "w"), indent=1)
