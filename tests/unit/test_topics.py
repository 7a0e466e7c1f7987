"""Buttons offered when the assistant is not sure what the person meant."""
from bot.topics import likely_topics, right_for_intent


def test_the_three_most_likely_real_topics_are_offered_best_first():
    ranking = [
        {"name": "greet", "confidence": 0.4},
        {"name": "ask_ame", "confidence": 0.3},
        {"name": "ask_soins_urgents", "confidence": 0.2},
        {"name": "ask_puma", "confidence": 0.05},
        {"name": "ask_c2s", "confidence": 0.05},
    ]
    payloads = [button["payload"] for button in likely_topics(ranking)]
    assert payloads == ["/ask_ame", "/ask_soins_urgents", "/ask_puma", "/help"]


def test_all_topics_are_always_reachable_even_with_no_ranking():
    assert likely_topics([]) == [{"title": "Voir tous les sujets", "payload": "/help"}]


def test_intents_map_to_rights():
    assert right_for_intent("ask_capital_deces") == "capital_deces"
    assert right_for_intent("greet") is None
    assert right_for_intent(None) is None
