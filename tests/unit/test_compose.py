"""docker-compose.yml describes the production-like stack and wires it like the settings expect."""
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from clinidex.settings import Settings

COMPOSE = Path(__file__).resolve().parents[2] / "docker-compose.yml"


def test_stack_has_every_service_and_settings_read_its_environment(monkeypatch):
    spec = yaml.safe_load(COMPOSE.read_text())
    assert set(spec["services"]) == {"opensearch", "redis", "s3", "api", "worker", "beat", "watch"}
    env = spec["services"]["worker"]["environment"]
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    settings = Settings()
    assert settings.broker_url == "redis://redis:6379/0"
    assert settings.opensearch_url == "http://opensearch:9200"
    assert settings.uses_s3 and settings.bucket == "clinidex"
    assert spec["services"]["worker"]["command"] == ["clinidex", "worker"]  # supervises its Celery worker
    assert spec["services"]["watch"]["environment"]["CLINIDEX_DROP_S3"]


def _compose_cli() -> list[str] | None:
    if shutil.which("docker") and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


@pytest.mark.skipif(_compose_cli() is None, reason="no docker compose CLI on this machine")
def test_docker_compose_config_accepts_the_file():
    result = subprocess.run([*_compose_cli(), "-f", str(COMPOSE), "config", "--quiet"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
