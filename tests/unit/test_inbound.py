"""What the public channels accept as a message, and what a person is told otherwise."""
import time

import pytest

from bot import inbound
from bot.inbound import InboundRequest, MessageRateLimiter, RateLimits, Refusal, read_rest_body


@pytest.mark.parametrize("body, expected", [
    ({"sender": "moi", "message": "bonjour"}, InboundRequest("moi", "bonjour")),
    ({"sender": "moi", "message": "", "metadata": {"channel": "web"}}, InboundRequest("moi", "", {"channel": "web"})),
    ({"sender": "moi", "message": "oui", "metadata": "x"}, InboundRequest("moi", "oui")),  # not an object: dropped
])
def test_a_well_formed_body_is_a_message(body, expected):
    assert read_rest_body(body) == expected


@pytest.mark.parametrize("body, says", [
    (["bonjour"], "objet JSON"),
    ("bonjour", "objet JSON"),
    (None, "objet JSON"),
    ({"message": "bonjour"}, "obligatoire"),  # Rasa used the shared "default" conversation
    ({"sender": "", "message": "bonjour"}, "obligatoire"),
    ({"sender": 4242, "message": "bonjour"}, "chaîne"),
    ({"sender": "s" * 129, "message": "bonjour"}, "128"),
    ({"sender": "\ud800", "message": "oui"}, "invalides"),  # stopped Rasa's SQL tracker store
    ({"sender": "a\u202eb", "message": "oui"}, "invalides"),
    ({"sender": "moi", "message": 123}, "« message »"),
    ({"sender": "moi", "message": None}, "« message »"),
    ({"sender": "moi", "message": ["oui"]}, "« message »"),
])
def test_a_body_that_is_not_a_message_is_refused_in_french(body, says):
    refusal = read_rest_body(body)
    assert isinstance(refusal, Refusal) and says in refusal.error


def test_5000_characters_are_read_and_longer_messages_get_an_answer_instead():
    assert inbound.too_long_answer("é" * 5000) is None
    answer = inbound.too_long_answer("x" * 50_000)
    assert "trop long" in answer and "50\u202f000" in answer and "quelques phrases" in answer


def test_the_clean_text_has_no_nir_and_no_lone_surrogate():
    assert inbound.clean_text("sécu 1 84 12 75 123 456 58 \ud800") == "sécu [NIR retiré] \ufffd"


def limiter(per_sender="3/minute", per_client="5/minute"):
    return MessageRateLimiter(RateLimits.from_env({"CHAT_RATE_LIMIT_PER_SENDER": per_sender,
                                                   "CHAT_RATE_LIMIT_PER_CLIENT": per_client}))


def test_one_conversation_is_limited_without_slowing_the_others():
    made = limiter()
    assert [made.retry_after("anne", "10.0.0.1") for _ in range(3)] == [None] * 3
    wait = made.retry_after("anne", "10.0.0.1")
    assert wait is not None and 1 <= wait <= 61
    assert made.retry_after("bruno", "10.0.0.2") is None


def test_one_client_address_is_limited_across_its_conversations():
    made = limiter(per_sender="100/minute")
    assert [made.retry_after(f"kiosk-{i}", "10.0.0.9") for i in range(5)] == [None] * 5
    assert made.retry_after("kiosk-6", "10.0.0.9") is not None
    assert made.retry_after("kiosk-6", "10.0.0.10") is None


def test_a_limit_of_zero_is_no_limit_and_defaults_are_read():
    made = limiter(per_sender="0", per_client="0")
    assert all(made.retry_after("anne", "10.0.0.1") is None for _ in range(100))
    defaults = RateLimits.from_env({})
    assert str(defaults.per_sender.amount) == "30" and defaults.storage_url == "memory://"


def test_the_rate_limited_answer_says_how_long_to_wait():
    assert "12 secondes" in inbound.rate_limited_answer(12)


def test_the_limiter_keeps_counting_after_garbage_collection():
    # limits 2.x strategies hold their storage by weak reference: a collected storage silently
    # disabled every limit on the server.
    import gc

    made = limiter(per_sender="2/minute")
    time.sleep(0.1)  # the memory storage's expiry timer (its last reference) has ended
    gc.collect()
    assert [made.retry_after("anne", "10.0.0.1") for _ in range(3)][-1] is not None
