import pytest

from bzpeer.lib.identifiers import (
    arxiv_doi,
    normalize_arxiv_id,
    normalize_doi,
    normalize_openalex_id,
    normalize_orcid,
    normalize_ror,
    split_arxiv_id,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://doi.org/10.7717/PeerJ.4375", "10.7717/peerj.4375"),
        ("doi:10.1038/s41586-020-03051-4", "10.1038/s41586-020-03051-4"),
        ("http://dx.doi.org/10.1103/PhysRevB.85.115117", "10.1103/physrevb.85.115117"),
        ("10.48550/arXiv.2010.02193", "10.48550/arxiv.2010.02193"),
        ("not a doi", None),
        ("", None),
        (None, None),
    ],
)
def test_it_normalises_dois_to_lower_case_without_resolver(text, expected):
    assert normalize_doi(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://orcid.org/0000-0001-6187-6610", "0000-0001-6187-6610"),
        ("0000000218250097", "0000-0002-1825-0097"),
        ("0000-0002-9079-593x", "0000-0002-9079-593X"),
        ("0000-0002-1825-0098", None),  # checksum fails
        ("1234", None),
    ],
)
def test_it_normalises_orcid_ids_and_checks_their_checksum(text, expected):
    assert normalize_orcid(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("http://arxiv.org/abs/2010.02193v4", ("2010.02193", 4)),
        ("arXiv:1912.01603", ("1912.01603", None)),
        ("https://arxiv.org/pdf/2112.03763v2", ("2112.03763", 2)),
        ("http://arxiv.org/abs/cond-mat/0412498v2", ("cond-mat/0412498", 2)),
        ("10.48550/arXiv.2202.12795", ("2202.12795", None)),
        ("https://arxiv.org/api/errors#incorrect_id_format_for_abc", None),
    ],
)
def test_it_splits_arxiv_ids_from_their_version(text, expected):
    assert split_arxiv_id(text) == expected


def test_it_builds_the_datacite_doi_of_an_arxiv_article():
    assert arxiv_doi(normalize_arxiv_id("arXiv:2010.02193v4")) == "10.48550/arxiv.2010.02193"


def test_it_checks_the_openalex_entity_letter():
    assert normalize_openalex_id("https://openalex.org/W2741809807", "W") == "W2741809807"
    assert normalize_openalex_id("https://openalex.org/A5023888391", "W") is None
    assert normalize_openalex_id("a5023888391") == "A5023888391"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://ror.org/02jx3x895", "02jx3x895"),
        ("02JX3X895", "02jx3x895"),
        ("ror.org/00jmfr291/", "00jmfr291"),
        ("02jx3x896", None),  # checksum fails
        ("0ilou1234", None),  # letters Crockford base32 leaves out
        ("https://example.org/02jx3x895", None),
        ("", None),
    ],
)
def test_it_normalises_ror_ids_and_checks_their_checksum(text, expected):
    assert normalize_ror(text) == expected
