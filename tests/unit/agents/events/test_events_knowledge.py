"""The actor knowledge base: data integrity and lookups."""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path

import pycountry
import pytest

from agents.events import KnowledgeBase
from agents.events.knowledge import role_of
from streams.errors import ConfigError
from streams.records import Role

# Terms that overlap on purpose: an acting holder while the holder was incapacitated, and
# rival governments.
ALLOWED_OVERLAPS = {("ariel_sharon", "ehud_olmert"), ("baghdadi_mahmudi", "mahmoud_jibril")}


def test_every_office_names_a_real_country_or_known_org(kb: KnowledgeBase) -> None:
    isos = {c.alpha_3 for c in pycountry.countries}
    for person in kb.persons.values():
        for office in person.offices:
            assert office.where in isos or office.where in kb.orgs, (person.id, office)
            assert office.end is None or office.start <= office.end, (person.id, office)


def test_required_coverage(kb: KnowledgeBase) -> None:
    required = "IRN IRQ SYR LBN JOR EGY SAU ARE QAT KWT BHR OMN YEM ISR PSE LBY TUN DZA MAR SDN USA GBR FRA RUS CHN TUR NOR JPN"
    for iso in required.split():
        assert kb.terms("foreign_minister", iso), iso
    for office, where in [
        ("supreme_leader", "IRN"),
        ("parliament_speaker", "IRN"),
        ("security_council_secretary", "IRN"),
        ("political_bureau_chief", "hamas"),
        ("secretary_general", "pij"),
        ("secretary_general", "hezbollah"),
        ("secretary_general", "pflp_gc"),
        ("secretary_general", "un"),
        ("commission_president", "eu"),
        ("council_president", "eu"),
        ("high_representative", "eu"),
    ]:
        assert kb.terms(office, where), (office, where)


def test_holders_of_one_office_do_not_overlap(kb: KnowledgeBase) -> None:
    """Catches date typos: two people in one office for more than a month (month-precision slack)."""
    for office, where in {(o.office, o.where) for p in kb.persons.values() for o in p.offices}:
        for (a, pa), (b, pb) in itertools.combinations(kb.terms(office, where), 2):
            if pa.id == pb.id or (pa.id, pb.id) in ALLOWED_OVERLAPS:
                continue
            first_end = a.end or date.max
            overlap = (min(first_end, b.end or date.max) - max(a.start, b.start)).days
            assert overlap <= 31, (office, where, pa.id, pb.id)


@pytest.mark.parametrize(
    "variant", ["رئيسي", "رئیسی", "Raisi", "Raeisi", "إبراهيم رئيسي", "ابراهیم رئیسی"]
)
def test_lookup_by_any_script_and_spelling(kb: KnowledgeBase, variant: str) -> None:
    assert [p.id for p in kb.lookup(variant)] == ["ebrahim_raisi"]


def test_shared_weak_name_returns_everyone(kb: KnowledgeBase) -> None:
    assert {p.id for p in kb.lookup("عون")} == {"michel_aoun", "joseph_aoun"}


def test_holder_on_a_day(kb: KnowledgeBase) -> None:
    assert kb.holder("prime_minister", "NOR", date(2023, 11, 4)).id == "jonas_gahr_store"  # type: ignore[union-attr]
    assert kb.holder("prime_minister", "NOR", date(2015, 1, 1)).id == "erna_solberg"  # type: ignore[union-attr]
    assert kb.holder(Role.FOREIGN_MINISTER, "IRN", date(2008, 12, 28)).id == "manouchehr_mottaki"  # type: ignore[union-attr]
    assert kb.holder("political_bureau_chief", "hamas", date(2020, 1, 1)).id == "ismail_haniyeh"  # type: ignore[union-attr]


def test_holder_without_a_day_is_the_open_term(kb: KnowledgeBase) -> None:
    assert kb.holder("supreme_leader", "IRN").id == "ali_khamenei"  # type: ignore[union-attr]
    assert kb.holder("political_bureau_chief", "hamas") is None  # vacant since October 2024


def test_role_of_office_keys() -> None:
    assert role_of("high_representative") is Role.FOREIGN_MINISTER
    assert role_of("minister_defense") is Role.MINISTER
    assert role_of("king") is Role.OTHER


def test_malformed_file_is_a_config_error(tmp_path: Path) -> None:
    bad = tmp_path / "actors.yaml"
    bad.write_text("persons: []\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="version"):
        KnowledgeBase.from_path(bad)
    bad.write_text(
        "version: 1\norgs: [{id: x, name: X}]\npersons:\n- {id: a, name: A, offices: [[president, XXX, 2020-01-01, null]]}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="unknown country/org 'XXX'"):
        KnowledgeBase.from_path(bad)
