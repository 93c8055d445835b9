from bzpeer.lib.names import name_key, person_name


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
