"""NLU evaluation: 5-fold cross-validation of our pipeline on the training data, then accuracy on
the held-out phrasings (tests/nlu_holdout.yml, never trained on). Writes reports/nlu.md with
per-intent precision, recall and F1 and the most confused pairs, and prints the headline figures.
"""
from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RASA = str(ROOT / ".venv" / "bin" / "rasa")
RESULTS = ROOT / "var" / "results"
REPORT = ROOT / "reports" / "nlu.md"
FOLDS = 5


def run(step: str, command: list) -> None:
    print(f"==> {step}", flush=True)
    subprocess.run(command, cwd=ROOT, check=True)


def intent_table(report: dict) -> list:
    rows = []
    for intent, scores in sorted(report.items()):
        if isinstance(scores, dict) and "f1-score" in scores and intent not in ("micro avg", "macro avg", "weighted avg"):
            rows.append((intent, scores["precision"], scores["recall"], scores["f1-score"], scores["support"]))
    return rows


def confused_pairs(errors_file: Path, limit: int = 10) -> list:
    if not errors_file.exists():
        return []
    errors = json.loads(errors_file.read_text(encoding="utf-8"))
    pairs = Counter((e["intent"], e["intent_prediction"]["name"]) for e in errors)
    return pairs.most_common(limit)


def markdown_section(title: str, report: dict, errors_file: Path) -> list:
    lines = [f"## {title}", "", f"Accuracy: **{report['accuracy']:.1%}** — macro F1: {report['macro avg']['f1-score']:.3f}", "",
             "| intent | precision | recall | F1 | examples |", "|---|---|---|---|---|"]
    lines += [f"| {i} | {p:.2f} | {r:.2f} | {f:.2f} | {n} |" for i, p, r, f, n in intent_table(report)]
    pairs = confused_pairs(errors_file)
    lines += ["", "Most confused (expected → predicted, count):", ""]
    lines += [f"- {expected} → {predicted}: {count}" for (expected, predicted), count in pairs] or ["- none"]
    return lines + [""]


def main() -> int:
    cv_out, holdout_out = RESULTS / "nlu_cv", RESULTS / "nlu_holdout"
    run(f"{FOLDS}-fold cross-validation (trains {FOLDS} times, a few minutes)",
        [RASA, "test", "nlu", "--nlu", "data/nlu", "--config", "config.yml", "--cross-validation",
         "--folds", str(FOLDS), "--out", str(cv_out)])
    run("Held-out phrasings on the trained model",
        [RASA, "test", "nlu", "--nlu", "tests/nlu_holdout.yml", "--model", "models/assistant.tar.gz", "--out", str(holdout_out)])
    cv = json.loads((cv_out / "intent_report.json").read_text(encoding="utf-8"))
    holdout = json.loads((holdout_out / "intent_report.json").read_text(encoding="utf-8"))
    lines = [f"# NLU evaluation — {datetime.now():%Y-%m-%d %H:%M}", "",
             "Pipeline: config.yml. Produced by `make nlu-eval`.", ""]
    lines += markdown_section(f"{FOLDS}-fold cross-validation (test folds)", cv, cv_out / "intent_errors.json")
    lines += markdown_section("Held-out phrasings (tests/nlu_holdout.yml)", holdout, holdout_out / "intent_errors.json")
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text("\n".join(lines), encoding="utf-8")
    print(f"\nCross-validation accuracy: {cv['accuracy']:.1%} (macro F1 {cv['macro avg']['f1-score']:.3f})")
    print(f"Held-out accuracy:         {holdout['accuracy']:.1%} (macro F1 {holdout['macro avg']['f1-score']:.3f})")
    print(f"Report: {REPORT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
