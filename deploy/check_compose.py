"""Static checks of deploy/compose.yml, for a machine without Docker (the development machine):

    .venv/bin/python deploy/check_compose.py

It parses the YAML (yaml.safe_load, merge keys resolved) and checks the properties the deployment
guide promises. It does not replace `docker compose -f deploy/compose.yml config`, which also
validates against the Compose specification: run that on the Docker host before the first start.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

COMPOSE = Path(__file__).with_name("compose.yml")
SECRET_NAME = re.compile(r"(TOKEN|PASSWORD|SECRET)$")
APP_SERVICES = {"rasa-1", "rasa-2", "actions-1", "actions-2", "web", "courier", "retention"}


def problems(compose: dict) -> list:
    found = []
    services = compose["services"]
    missing = APP_SERVICES - set(services)
    if missing:
        found.append(f"missing services: {sorted(missing)}")
    for name, service in services.items():
        command = service.get("command") or []
        flat = " ".join(command) if isinstance(command, list) else str(command)
        if service.get("restart") != "unless-stopped":
            found.append(f"{name}: no restart policy")
        if not (service.get("deploy") or {}).get("resources", {}).get("limits", {}).get("memory"):
            found.append(f"{name}: no memory limit")
        if "--enable-api" in flat and "--jwt-secret" not in flat:
            found.append(f"{name}: Rasa HTTP API enabled without JWT")
        for secret in service.get("secrets", []):
            if secret not in compose.get("secrets", {}):
                found.append(f"{name}: secret {secret} is not declared")
        for key, value in (service.get("environment") or {}).items():
            if SECRET_NAME.search(key):
                found.append(f"{name}: {key} written in compose.yml (use {key}_FILE and a secret)")
            if key.endswith("_FILE") and str(value).startswith("/run/secrets/"):
                if str(value).rsplit("/", 1)[1] not in service.get("secrets", []):
                    found.append(f"{name}: {key} names a secret the service does not mount")
            if "://" in str(value) and "@" in str(value):
                found.append(f"{name}: {key} holds credentials in a URL")
        if name in APP_SERVICES and not service.get("read_only"):
            found.append(f"{name}: root filesystem not read-only")
    for name in ("rasa-1", "rasa-2"):
        rasa = services.get(name, {})
        command = rasa.get("command", [])
        if "--cors" not in command or "*" in command:
            found.append(f"{name}: --cors missing or a wildcard")
        if any(not volume.endswith(":ro") for volume in rasa.get("volumes", [])):
            found.append(f"{name}: a volume is writable (the model must be read-only)")
        if rasa.get("environment", {}).get("SANIC_WORKERS") != "1":
            found.append(f"{name}: SANIC_WORKERS must be 1 (scale by containers)")
    published = [name for name, service in services.items() if service.get("ports")]
    if published != ["proxy"]:
        found.append(f"only the proxy may publish ports, not {published}")
    return found


def main() -> int:
    compose = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    found = problems(compose)
    for problem in found:
        print("compose.yml:", problem)
    if not found:
        print(f"compose.yml: YAML parsed, {len(compose['services'])} services, every check passed")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
