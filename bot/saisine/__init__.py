"""The MAS saisine: the form's model and checks, the local outbox and the backend client.

    validation   pure checks for each typed answer + the form's options (knowledge/saisine_form.yml)
    model        Saisine (pydantic 1.10): annex 4's fields only, NIR refused everywhere
    outbox       enqueue(saisine) -> reference (written before any network call);
                 deliver_pending(client) sends due items, exactly once per idempotency key
    client       BackendClient: POST /api/saisines with the service token and Idempotency-Key

Nothing here imports Rasa. Submodules are imported on use so that loading the model does not
pull in aiohttp or SQLAlchemy.
"""
