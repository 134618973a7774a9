"""The Dockerfile, docker-compose.yml and the CI production smoke run the same steps.

Every production step is a subcommand of scripts/entrypoint.sh; this reads the three files and
checks they call the same subcommands with the same production settings (no Docker engine here,
so the image itself is exercised through scripts/prod_smoke.sh)."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
ENTRYPOINT = "scripts/entrypoint.sh"
LONG_RUNNING = {"web", "worker", "beat", "relay"}


def _dockerfile() -> dict:
    """{"env": {...}, "run_steps": [...], "entrypoint": [...], "cmd": [...], "user": str}"""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    out: dict = {"env": {}, "run_steps": [], "entrypoint": None, "cmd": None, "user": None}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word, _, rest = line.partition(" ")
        if word == "ENV":
            out["env"].update(dict(pair.split("=", 1) for pair in shlex.split(rest)))
        elif word == "RUN" and ENTRYPOINT in rest:
            out["run_steps"].append(shlex.split(rest)[shlex.split(rest).index(ENTRYPOINT) + 1])
        elif word in ("ENTRYPOINT", "CMD"):
            out[word.lower()] = json.loads(rest)
        elif word == "USER":
            out["user"] = rest.strip()
    return out


def _smoke_steps() -> list[str]:
    text = (ROOT / "scripts/prod_smoke.sh").read_text()
    return re.findall(rf"^\s*{re.escape(ENTRYPOINT)} (\w+)", text, flags=re.M)


def _smoke_env() -> dict:
    text = (ROOT / "scripts/prod_smoke.sh").read_text()
    return dict(re.findall(r"(DEBUG|STATICFILES_BACKEND)=(\S+)", text))


def _entrypoint_steps() -> set[str]:
    text = (ROOT / ENTRYPOINT).read_text()
    return set(re.findall(r"^\s{2}(\w+)\)$", text, flags=re.M))


def test_smoke_runs_every_step_of_the_image_and_compose():
    docker = _dockerfile()
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    app_services = {name: s for name, s in compose["services"].items() if "build" in s}
    compose_steps = {s["command"][0] for s in app_services.values()}
    image_steps = set(docker["run_steps"]) | set(docker["cmd"])
    smoke = _smoke_steps()

    assert docker["entrypoint"] == [ENTRYPOINT]
    assert set(smoke) == compose_steps | image_steps == {"collectstatic", "migrate"} | LONG_RUNNING
    assert set(smoke) <= _entrypoint_steps()
    # same order as the containers: build step, one-shot migrate, then the long-running services
    assert smoke.index("collectstatic") < smoke.index("migrate") < min(smoke.index(s) for s in LONG_RUNNING)
    for service in app_services.values():
        assert all(isinstance(part, str) for part in service["command"]) and len(service["command"]) == 1


def test_migrate_runs_once_before_web_worker_beat_and_relay():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    migrate = [name for name, s in services.items() if s.get("command") == ["migrate"]]
    assert migrate == ["migrate"]
    assert services["migrate"]["restart"] == "no"
    for name, s in services.items():
        if s.get("command", [None])[0] in LONG_RUNNING:
            assert s["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}, name


def test_production_settings_match_between_image_compose_and_smoke():
    docker = _dockerfile()
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    smoke = _smoke_env()
    for name, s in compose["services"].items():
        if "build" not in s:
            continue
        env = s["environment"]
        assert env["DEBUG"] == docker["env"]["DEBUG"] == smoke["DEBUG"] == "False", name
        assert env["STATICFILES_BACKEND"] == docker["env"]["STATICFILES_BACKEND"] == smoke["STATICFILES_BACKEND"]
        assert "?" in env["SECRET_KEY"], "compose must refuse to start without a SECRET_KEY"


def test_image_runs_as_a_non_root_user_and_ignores_local_state():
    docker = _dockerfile()
    assert docker["user"] and docker["user"] not in ("root", "0")
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".venv", ".git", "staticfiles", "db.sqlite3", ".env"} <= set(ignored)


def test_entrypoint_and_scripts_are_valid_shell():
    for script in (ENTRYPOINT, "scripts/prod_smoke.sh", "scripts/backup_restore_check.sh"):
        shell = "sh" if script == ENTRYPOINT else "bash"
        subprocess.run([shell, "-n", str(ROOT / script)], check=True)
