"""A page built from ORCID: a person signed in with ORCID whose iD matches no record asks for
their page; a job (claims.tasks.page_build) reads their ORCID record and their OpenAlex author
(looked up by the iD) into a record, which becomes theirs at L2 in the same step: ORCID's
OAuth proved the iD (claims.services.page_build_finish)."""

from django.db import transaction

from claims import tasks
from claims.services import ClaimError, orcid_of
from profiles.models import Researcher, User
from sources.jobs import job_create
from sources.models import FetchJob
from sources.services import job_queue


def researcher_for_orcid(user: User) -> tuple[str, Researcher | None] | None:
    """The iD the person signed in with and the record that has it, if any; None without
    ORCID sign-in."""
    signed_in = orcid_of(user)
    if signed_in is None:
        return None
    return signed_in[0], Researcher.objects.filter(orcid=signed_in[0]).first()


@transaction.atomic
def page_build_start(*, user: User) -> FetchJob:
    """Queue the build of the signed-in person's page from ORCID (the one waiting, if any)."""
    found = researcher_for_orcid(user)
    if found is None:
        raise ClaimError("Sign in with ORCID first: your page is built from your ORCID record.")
    orcid, researcher = found
    if researcher is not None:
        raise ClaimError("BZPEER already has a record with your ORCID iD: claim it instead.")
    job = job_create(
        kind=FetchJob.Kind.BUILD,
        user=user,
        keys=[f"orcid:{orcid}", f"openalex:orcid:{orcid}"],
        identifier=orcid,
    )
    if job is None:  # one is waiting or running already (fetch_job_one_build)
        return FetchJob.objects.active().get(user=user, kind=FetchJob.Kind.BUILD)
    return job_queue(job, tasks.page_build)
