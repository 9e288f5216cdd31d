"""Configuration layering: defaults → TOML file → CITYGRAPH_* environment → overrides."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from citygraph.config import Config, load_config
from citygraph.errors import ConfigError
from tests.helpers import run_cli


def test_every_setting_is_documented() -> None:
    for field in dataclasses.fields(Config):
        assert field.metadata.get("help"), f"setting '{field.name}' has no help text"


def test_layers_in_order(tmp_path: Path) -> None:
    file = tmp_path / "citygraph.toml"
    file.write_text('port = 9000\nquery_timeout = 12.5\nbase_iri = "https://a.example/"\n')
    config = load_config(file, env={"CITYGRAPH_PORT": "9100"}, workers=7)
    assert config.query_timeout == 12.5  # from the file
    assert config.port == 9100  # the environment beats the file
    assert config.workers == 7  # explicit overrides beat everything
    assert config.base_iri == "https://a.example/"


def test_config_file_from_environment(tmp_path: Path) -> None:
    file = tmp_path / "c.toml"
    file.write_text("max_rows = 5\n")
    assert load_config(env={"CITYGRAPH_CONFIG": str(file)}).max_rows == 5


def test_bad_values_are_named() -> None:
    with pytest.raises(ConfigError, match="'port' must be int"):
        load_config(env={"CITYGRAPH_PORT": "eighty"})


def test_bad_config_on_the_command_line_is_one_clear_line() -> None:
    result = run_cli("query", "ASK {}", env={"CITYGRAPH_QUERY_TIMEOUT": "soon"})
    assert result.returncode == 2
    assert "query_timeout" in result.stderr and "Traceback" not in result.stderr
