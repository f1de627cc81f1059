"""GPU benchmark of the gene view (issue 3): `paper` config forward+backward per cell, and a Performer-only fit on pbmc3k.

Two steps, because the GPU machine has torch but not scanpy/gensim:

    python nbs/benchmarks/gpu_gene_view.py prepare .gpu        # here: split, preprocess, gene tables, L1-LR -> .gpu/*.npz
    python nbs/benchmarks/gpu_gene_view.py run .gpu $OUT        # on the GPU: timings + fit -> $OUT/gpu_gene_view.json

`prepare` fits every statistic on training cells only (stratified 80/20 split, seed 0, validation carved from the
training cells). `run` imports `schybridbert.gene_view` alone (plus the tiny `take_rows` it needs), so only
performer-pytorch and its pure-Python dependencies have to travel as wheels.
"""
import json, sys, time, types
from pathlib import Path
import numpy as np

CONFIGS = ("paper", "cpu-small")


def prepare(folder: Path):
    import schybridbert as sb
    from schybridbert.model import resolve_config
    from schybridbert.preprocess import Preprocessor
    from schybridbert.evaluation import stratified_split, run_baseline
    from schybridbert.gene_embeddings import gene_embedding_tables
    folder.mkdir(parents=True, exist_ok=True)
    adata = sb.load_dataset("pbmc3k")
    labels = adata.obs["cell_type"].astype(str).to_numpy()
    classes = np.array(sorted(set(labels)))
    y = np.searchsorted(classes, labels)
    train, test = stratified_split(labels, 0.2, 0)
    fit, val = stratified_split(labels[train], 0.15, 0)
    fit, val = train[fit], train[val]
    baseline = run_baseline("l1_logreg", adata, train, test)
    for name in CONFIGS:
        cfg = resolve_config(name)
        pp = Preprocessor(**cfg["preprocess"]).fit(adata[train])
        logged = pp.transform(adata, "pbmc3k")
        tables = gene_embedding_tables(logged[train], dim=cfg["gene_view"]["model"]["dim"], seed=0, **cfg["gene_embeddings"])
        np.savez_compressed(folder / f"pbmc3k_{name}.npz", tokens=pp.tokens(logged).astype(np.uint8), y=y, fit=fit, val=val,
                            test=test, gene2vec=tables["gene2vec"].astype(np.float32), node2vec=tables["node2vec"].astype(np.float32),
                            n_tokens=pp.n_tokens, classes=classes)
    (folder / "baseline.json").write_text(json.dumps(dict(l1_logreg={k: baseline[k] for k in ("accuracy", "macro_f1")})))


def _import_gene_view():
    "schybridbert.gene_view without the package's __init__ (which imports scanpy)."
    root = Path(__file__).resolve().parents[2] / "schybridbert"
    pkg = types.ModuleType("schybridbert"); pkg.__path__ = [str(root)]; sys.modules["schybridbert"] = pkg
    shim = types.ModuleType("schybridbert.preprocess"); shim.take_rows = lambda tokens, idx: tokens[idx]
    sys.modules["schybridbert.preprocess"] = shim
    import schybridbert.gene_view as perf
    return perf


def _time_step(module, tokens, batch_size: int, bf16: bool, steps: int = 5) -> float:
    "Seconds per cell of forward+backward+AdamW step at `batch_size` (median of `steps` after two warm-ups)."
    import torch
    opt = torch.optim.AdamW([p for p in module.parameters() if p.requires_grad], lr=1e-4)
    x = torch.from_numpy(tokens[:batch_size].astype(np.int64)).cuda()
    y = torch.zeros(batch_size, dtype=torch.long, device="cuda")
    times = []
    for i in range(steps + 2):
        torch.cuda.synchronize(); t = time.perf_counter()
        with torch.autocast("cuda", dtype=torch.bfloat16, enabled=bf16):
            loss = torch.nn.functional.cross_entropy(module(x), y)
        loss.backward(); opt.step(); opt.zero_grad(set_to_none=True)
        torch.cuda.synchronize()
        if i >= 2: times.append(time.perf_counter() - t)
    return float(np.median(times)) / batch_size


def _flops_per_cell(module, tokens) -> float:
    "Forward FLOPs of one cell, counted by torch's FlopCounterMode."
    import torch
    from torch.utils.flop_counter import FlopCounterMode
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        module(torch.from_numpy(tokens[:1].astype(np.int64)).cuda())
    return float(counter.get_total_flops())


def run(folder: Path, out: Path, fit_budget_s: float = 150.):
    import torch
    from sklearn.metrics import f1_score
    perf = _import_gene_view()
    from dataclasses import asdict
    from schybridbert.config import PRESETS  # after _import_gene_view: the same package, without its __init__
    cfgs = {name: asdict(PRESETS[name].gene_view.model) for name in CONFIGS}
    result = dict(device=torch.cuda.get_device_name(), torch=torch.__version__,
                  baseline=json.loads((folder / "baseline.json").read_text()), configs={})
    for name in CONFIGS:
        d = np.load(folder / f"pbmc3k_{name}.npz")
        tokens, y = d["tokens"], d["y"]
        def build():
            torch.manual_seed(0)
            return perf.GeneView(tokens.shape[1], len(d["classes"]), int(d["n_tokens"]), gene2vec=d["gene2vec"],
                                 node2vec=d["node2vec"], **cfgs[name]).cuda()
        module = build()
        r = dict(n_genes=int(tokens.shape[1]), params=sum(p.numel() for p in module.parameters()),
                 fwd_gflop_per_cell=_flops_per_cell(module, tokens) / 1e9, step_ms_per_cell={})
        for bf16 in (False, True):
            for bs in (1, 4, 16, 32):
                try: r["step_ms_per_cell"][f"{'bf16' if bf16 else 'fp32'}_b{bs}"] = 1e3 * _time_step(module, tokens, bs, bf16)
                except torch.OutOfMemoryError: break
                finally: torch.cuda.empty_cache()
        best = min(r["step_ms_per_cell"].values())
        r["achieved_tflops_fwd_bwd"] = 3 * r["fwd_gflop_per_cell"] / best  # backward ~ 2x forward
        r["peak_gib"] = torch.cuda.max_memory_allocated() / 2**30
        # A from-scratch fit: the paper's fine-tuning schedule (lr 1e-4, effective batch 180) assumes a pretrained
        # encoder, so this fit keeps the paper's shapes but trains with the cpu-small schedule at batch 16 in bf16.
        per_epoch = len(d["fit"]) * best / 1e3 * 1.3
        epochs = int(max(2, min(40, fit_budget_s // per_epoch)))
        module = build()
        hist = perf.fit_gene_view(module, tokens[d["fit"]], y[d["fit"]], tokens[d["val"]], y[d["val"]], epochs=epochs,
                                  batch_size=16, grad_accum=1, lr=5e-4, patience=5, bf16=True, device="cuda", progress=False)
        probs, _ = perf.predict_gene_view(module, tokens[d["test"]], batch_size=64, device="cuda", bf16=True)
        pred = probs.argmax(1)
        r["fit"] = dict(epochs_run=len(hist["train_loss"]), epochs_allowed=epochs, best_epoch=hist["best_epoch"],
                        epoch_seconds=hist["epoch_seconds"], val_macro_f1=hist["val_score"],
                        test_accuracy=float((pred == y[d["test"]]).mean()),
                        test_macro_f1=float(f1_score(y[d["test"]], pred, average="macro")))
        result["configs"][name] = r
        print(name, json.dumps(r, indent=1), flush=True)
        del module; torch.cuda.empty_cache()
    out.mkdir(parents=True, exist_ok=True)
    (out / "gpu_gene_view.json").write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    step, folder = sys.argv[1], Path(sys.argv[2])
    prepare(folder) if step == "prepare" else run(folder, Path(sys.argv[3]))
