"""Does a claimant's name fit the record they claim? Pure functions over plain names."""

from collections.abc import Iterable

from bzpeer.lib.names import fits_any


def name_fits(claimant_name: str, record_names: Iterable[str]) -> bool:
    """True when the claimant's name could be one of the record's names.

    "Timothy P. Lillicrap" fits "T. P. Lillicrap" and "Timothy Lillicrap"; a name with no
    given name or no family name fits nothing, so an empty account name never passes.
    """
    return fits_any(claimant_name, record_names, given_required=True)


def email_domain_fits(email: str, domains: Iterable[str]) -> bool:
    """``a@cs.ucl.ac.uk`` fits ``ucl.ac.uk``; ``a@notucl.ac.uk`` does not."""
    host = email.rsplit("@", 1)[-1].lower().strip(".")
    for domain in domains:
        domain = domain.lower().strip(".")
        if domain and (host == domain or host.endswith("." + domain)):
            return True
    return False
