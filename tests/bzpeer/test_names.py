import pytest

from bzpeer.lib.names import name_key, names_compatible, parse_name, person_name


def test_it_ignores_case_accents_and_punctuation():
    assert name_key("Peter C. Humphreys") == name_key("peter c humphreys")
    assert name_key("Soňa Mokrá") == "sona mokra"


def test_it_keeps_different_given_names_apart():
    assert name_key("Greg Wayne") != name_key("Gregory Wayne")


def test_it_drops_a_team_prefix_from_a_byline_entry():
    printed = "DeepMind Interactive Agents Team: Josh Abramson"
    assert person_name(printed) == "Josh Abramson"
    assert name_key(printed) == name_key("Josh Abramson")


def test_it_leaves_ordinary_names_with_colons_alone():
    assert person_name("A: B") == "A: B"


@pytest.mark.parametrize(
    "variant",
    [
        "Lillicrap, Timothy P.",
        "T. P. Lillicrap",
        "Timothy Lillicrap",
        "TIMOTHY LILLICRAP",
        "Tim Lillicrap",
    ],
)
def test_variants_of_one_name_are_compatible(variant):
    assert names_compatible(parse_name("Timothy P. Lillicrap"), parse_name(variant))
    assert parse_name(variant).match_key == "lillicrap|t"


@pytest.mark.parametrize("other", ["Thomas Lillicrap", "T. Q. Lillicrap", "Timothy Lillicraft"])
def test_different_people_are_not_compatible(other):
    assert not names_compatible(parse_name("Timothy P. Lillicrap"), parse_name(other))


def test_it_reads_particles_suffixes_and_accents():
    assert parse_name("Adrian Del Maestro").family == "del maestro"
    assert parse_name("Tamara von Glehn").family == "von glehn"
    assert parse_name("Martin Luther King, Jr.") == parse_name("King, Jr., Martin Luther")
    assert parse_name("Soňa Mokrá") == parse_name("Mokra, Sona")
    assert parse_name("Chia-Chun Hung").given == ("chia", "chun")
    assert names_compatible(parse_name("C.-C. Hung"), parse_name("Chia-Chun Hung"))
