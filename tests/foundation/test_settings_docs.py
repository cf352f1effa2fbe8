"""Every setting is described in code and listed in the README's configuration table."""

from __future__ import annotations

from pathlib import Path

from forge_orchestrator.settings import Settings

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_setting_has_a_description() -> None:
    for name, field in Settings.model_fields.items():
        assert field.description, name


def test_readme_lists_every_setting_with_its_env_var() -> None:
    text = README.read_text()
    missing = [
        f"FORGE_{name.upper()}"
        for name in Settings.model_fields
        if f"FORGE_{name.upper()}" not in text
    ]
    assert not missing, f"README configuration table lacks: {missing}"


def test_settings_read_env_and_are_frozen(monkeypatch: object, tmp_path: Path) -> None:
    import pytest

    mp = pytest.MonkeyPatch()
    try:
        mp.setenv("FORGE_PORT", "9123")
        mp.setenv("FORGE_DATA_DIR", str(tmp_path))
        s = Settings()
        assert s.port == 9123 and s.data_dir == tmp_path
        assert s.resolved_database_url == f"sqlite:///{tmp_path / 'forge.db'}"
        with pytest.raises(Exception):
            s.port = 1  # type: ignore[misc]
    finally:
        mp.undo()
