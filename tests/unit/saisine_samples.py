"""Sample data shared by the saisine tests: NIRs with a right or wrong key, and a minimal valid
Saisine."""
from __future__ import annotations

from bot.saisine.model import Saisine


def nir(body13: str = "1850578006084", valid_key: bool = True, sep: str = "") -> str:
    """A NIR with its key (97 - n % 97), or with a wrong key."""
    key = 97 - int(body13) % 97
    if not valid_key:
        key = key % 97 + 1
    parts = [body13[0], body13[1:3], body13[3:5], body13[5:7], body13[7:10], body13[10:13], f"{key:02d}"]
    return sep.join(parts)


def minimal_saisine(key: str, given_at: str = "2026-11-20T10:00:00Z") -> Saisine:
    """Only the required fields of annex 4, consent given on the web by the person."""
    return Saisine.parse_obj({
        "idempotency_key": key,
        "motifs": ["acces_droits"],
        "person": {"nom": "Martin", "prenom": "Paul", "date_naissance": "1970-01-02",
                   "telephone": "0612345678"},
        "consent": {"text_version": "annexe4-2025-v1", "given_at": given_at,
                    "channel": "web", "by": "person"},
    })
