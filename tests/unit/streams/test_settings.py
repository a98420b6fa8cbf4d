from pathlib import Path

import pytest

from streams.errors import ConfigError
from streams.settings import load_settings


def test_defaults_mean_embedded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    assert settings.embedded
    assert settings.broker is None
    assert settings.partitions == 4


def test_flag_beats_env_beats_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("topic_prefix: file.\npartitions: 2\nmetrics_port: 1111\n")
    monkeypatch.setenv("BACKCHANNEL_TOPIC_PREFIX", "env.")
    monkeypatch.setenv("BACKCHANNEL_PARTITIONS", "3")
    settings = load_settings(config, partitions=6)
    assert settings.partitions == 6  # flag
    assert settings.topic_prefix == "env."  # env over file
    assert settings.metrics_port == 1111  # file over default


def test_nested_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BACKCHANNEL_DEDUP__HORIZON_DAYS", "2.5")
    assert load_settings().dedup.horizon_days == 2.5


@pytest.mark.parametrize("broker", ["kafka//x", "kafka://x", "http://a:1", "a:b"])
def test_bad_broker_names_value_and_fix(
    broker: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as info:
        load_settings(broker=broker)
    message = str(info.value)
    assert broker in message and "BACKCHANNEL_BROKER" in message and "kafka://host:port" in message


def test_broker_normalised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_settings(broker="127.0.0.1:9092")
    assert settings.broker == "kafka://127.0.0.1:9092"
    assert settings.bootstrap_servers == "127.0.0.1:9092"


def test_unknown_key_in_file_is_an_error(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("brokr: kafka://a:1\n")
    with pytest.raises(ConfigError, match="brokr"):
        load_settings(config)


def test_bad_yaml_is_config_error(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("a: [\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_settings(config)


def test_secret_masked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BACKCHANNEL_KAFKA__SASL_PASSWORD", "hunter2")
    settings = load_settings()
    assert "hunter2" not in repr(settings)
    assert settings.kafka.sasl_password is not None
    assert settings.kafka.sasl_password.get_secret_value() == "hunter2"
