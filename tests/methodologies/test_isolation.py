"""Plugins are isolated: a broken one is set aside and listed, the others work; plugins can be
blocked by entry-point or distribution name, in code and through ``JCM_BLOCK_PLUGINS``; loading is
logged on ``jcm.methodologies``."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from fake_plugins import install

import jcm.methodologies
from jcm.errors import PluginError, UnknownMethodologyError
from jcm.methodologies import BrokenPlugin, MethodologyHost

BUILTINS = {"awd-rice", "redd-plus", "waste-to-energy", "solar-pv", "chiller"}
PV1 = {"electricity": 1234.567, "emission_factor": 0.533}
"""PV-1 of the public vectors (tests/data/vectors-public.json): 658.024211 tCO2, 658 credits."""


@pytest.fixture
def fresh_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """Gives jcm.methodologies a default host of its own for the test, discarded afterwards."""
    monkeypatch.setattr(jcm.methodologies, "_default", [])


def _ids(host: MethodologyHost) -> set[str]:
    return {i.id for i in host.available()}


def test_a_broken_import_leaves_the_others_working(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Lists the built-ins, led-lighting and the good plugin though another fails to import."""
    install(monkeypatch, tmp_path, "good", "boom")
    host = MethodologyHost()
    assert {*BUILTINS, "led-lighting", "meter"} <= _ids(host)
    assert host.get("meter").calculate(PV1).emission_reductions == 658
    (broken,) = host.broken()
    assert broken == BrokenPlugin(
        "boom",
        "jcm_fake_boom",
        "jcm-fake-boom",
        "0.1.0",
        "ModuleNotFoundError: No module named 'jcm_no_such_module_anywhere'",
    )


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("misspelt", r"PluginValidationError: .*jcm_register_methodology"),
        ("raises", r"jcm_register_methodologies of jcm-fake-raises 0\.1\.0 .* no licence"),
        ("unitless", r"numeric input fields without a unit: emission_factor"),
    ],
)
def test_each_kind_of_broken_plugin_is_set_aside(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str, error: str
) -> None:
    """Sets aside an unknown hook, a raising hook and an Inputs number without a unit."""
    install(monkeypatch, tmp_path, "good", name)
    host = MethodologyHost()
    assert {*BUILTINS, "meter"} <= _ids(host)
    (broken,) = host.broken()
    assert (broken.entry_point, broken.distribution) == (name, f"jcm-fake-{name}")
    assert all(isinstance(v, str) for v in broken.to_json().values())
    assert re.search(error, broken.error), broken.error


def test_a_registered_plugin_still_raises(host: MethodologyHost) -> None:
    """Raises PluginError for a plugin registered in code: its author should see the error."""

    class Raising:
        @jcm.methodologies.hookimpl
        def jcm_register_methodologies(self) -> list[object]:
            raise RuntimeError("no licence")

    host.register(Raising(), name="raising", distribution=("mine", "1.0"))
    with pytest.raises(PluginError, match=r"mine 1\.0.*no licence"):
        host.available()


def test_a_duplicate_from_an_entry_point_is_set_aside(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Keeps the first plugin's meter 1.0 and sets aside a later one providing it again."""
    install(monkeypatch, tmp_path, "good")
    import jcm_fake_good

    class Early:
        @jcm.methodologies.hookimpl
        def jcm_register_methodologies(self) -> list[object]:
            return [jcm_fake_good.Meter()]

    host = MethodologyHost()
    host.register(Early(), name="early", distribution=("meters-early", "2.0"))
    assert host.get("meter").distribution == "meters-early"
    (broken,) = host.broken()
    assert broken.entry_point == "good"
    assert "duplicates the one from meters-early 2.0" in broken.error


def test_one_module_under_two_entry_points_is_set_aside_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Sets aside a second entry point naming a module already loaded, saying under which name."""
    install(monkeypatch, tmp_path, "good")
    import jcm_fake_good

    host = MethodologyHost()
    host.register(jcm_fake_good, name="early", distribution=("meters-early", "2.0"))
    (broken,) = host.broken()
    assert broken.error == "its module or object is already loaded as plugin 'early'"
    assert host.get("meter").distribution == "meters-early"


def test_unknown_methodology_names_the_broken_plugins(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Says, when a methodology is missing, which plugins are broken and why."""
    install(monkeypatch, tmp_path, "boom")
    with pytest.raises(UnknownMethodologyError, match=r"broken plugins: boom \(jcm-fake-boom"):
        MethodologyHost().get("meter")


def test_the_module_functions_list_good_and_broken(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fresh_default: None
) -> None:
    """Lists the good methodologies with available() and the broken plugin with broken()."""
    install(monkeypatch, tmp_path, "good", "boom")
    assert "meter" in {i.id for i in jcm.methodologies.available()}
    assert [b.entry_point for b in jcm.methodologies.broken()] == ["boom"]


@pytest.mark.parametrize("name", ["good", "jcm-fake-good", "JCM_fake.good"])
def test_blocks_by_entry_point_or_distribution_name(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str
) -> None:
    """Never loads a plugin blocked by its entry point or its distribution (any spelling)."""
    install(monkeypatch, tmp_path, "good")
    host = MethodologyHost(block=[name])
    assert "meter" not in _ids(host)
    assert _ids(host) >= BUILTINS
    assert host.broken() == ()


def test_blocking_a_distribution_drops_all_its_entry_points(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Unregisters every plugin of a distribution blocked after loading."""
    install(monkeypatch, tmp_path, "good", "enum", dist="jcm-fake-meters")
    host = MethodologyHost()
    assert {"meter", "enum-meter"} <= _ids(host)
    host.set_blocked("jcm-fake-meters")
    assert not {"meter", "enum-meter"} & _ids(host)
    assert host.is_blocked("jcm-fake-meters")
    assert host.is_blocked("good")


def test_blocking_a_broken_plugin_clears_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Lists no broken plugin once the broken one is blocked by JCM_BLOCK_PLUGINS."""
    install(monkeypatch, tmp_path, "good", "boom")
    monkeypatch.setenv("JCM_BLOCK_PLUGINS", " boom , ,led")
    host = MethodologyHost()
    assert host.broken() == ()
    assert "meter" in _ids(host)
    assert "led-lighting" not in _ids(host)


def test_blocking_context_restores_the_default_host(fresh_default: None) -> None:
    """Blocks the built-ins within the block only, then gives back the same default host."""
    before = jcm.methodologies.default_host()
    with jcm.methodologies.blocking(["builtin"]) as inside:
        assert "chiller" not in {i.id for i in jcm.methodologies.available()}
        assert inside is jcm.methodologies.default_host()
    assert jcm.methodologies.default_host() is before
    assert "chiller" in {i.id for i in jcm.methodologies.available()}
    with jcm.methodologies.blocking([]) as same:
        assert same is before


def test_loading_is_logged_at_debug(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Logs each plugin loaded, blocked and broken on the logger jcm.methodologies."""
    install(monkeypatch, tmp_path, "good", "boom", "enum")
    with caplog.at_level(logging.DEBUG, logger="jcm.methodologies"):
        MethodologyHost(block=["enum"]).broken()
    messages = [r.getMessage() for r in caplog.records if r.name == "jcm.methodologies"]
    assert {r.levelno for r in caplog.records if r.name == "jcm.methodologies"} == {logging.DEBUG}
    assert any(m.startswith("loaded plugin 'good'") for m in messages)
    assert any(m.startswith("loaded plugin 'builtin'") for m in messages)
    assert any(m.startswith("blocked plugin 'enum' of jcm-fake-enum") for m in messages)
    assert any(m.startswith("broken plugin boom (jcm-fake-boom 0.1.0)") for m in messages)


def test_the_library_logger_has_a_null_handler() -> None:
    """Gives the logger jcm one NullHandler, so a library user sees nothing unless asked."""
    handlers = logging.getLogger("jcm").handlers
    assert [type(h) for h in handlers if isinstance(h, logging.NullHandler)] == [
        logging.NullHandler
    ]


def test_the_led_example_can_be_blocked_by_plugin_name() -> None:
    """Drops led-lighting from a host that blocks the entry point led of the example package."""
    host = MethodologyHost()
    assert "led-lighting" in _ids(host)
    host.set_blocked("led")
    assert "led-lighting" not in _ids(host)


def test_a_duplicate_registration_of_the_led_example_is_refused(host: MethodologyHost) -> None:
    """Refuses a second plugin registered in code providing led-lighting 1.0, naming both."""
    import jcm_methodology_led

    class Again:
        @jcm.methodologies.hookimpl
        def jcm_register_methodologies(self) -> list[object]:
            return [jcm_methodology_led.LedLighting()]

    host.register(jcm_methodology_led)
    host.register(Again(), name="again", distribution=("copycat", "9.9"))
    with pytest.raises(PluginError, match=r"copycat 9\.9.*jcm-methodology-led"):
        host.available()
