"""`rasa test nlu` without its slowest step: `python scripts/rasa_test_nlu.py --model … --nlu …`.

Rasa 3.6's evaluation deep-copies every parsed message to undo the fallback prediction
(rasa/nlu/test.py, undo_fallback_prediction). With spaCy in the pipeline the message holds a spaCy
Doc, and copying a Doc copies its vocabulary and word vectors: minutes per test file. Nothing
changes a Doc after featurization, so here a Doc is "copied" as itself. The predictions are the
same; only `scripts/nlu_eval.py` uses this.
"""
import copy
import sys

from spacy.tokens import Doc

copy._deepcopy_dispatch[Doc] = copy._deepcopy_atomic  # the copy module's own table of immutables

if __name__ == "__main__":
    from rasa.__main__ import main

    sys.argv = ["rasa", "test", "nlu", *sys.argv[1:]]
    main()
