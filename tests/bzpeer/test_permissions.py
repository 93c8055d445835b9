"""Who may change what: every state-changing endpoint of the site, tried by each role of the
shared cast (tests/cast.py): anonymous, the record's owner, a coauthor who owns another
record, a stranger with an account, and staff with a two-factor session.

Each test is a table, role -> outcome. An allowed role's request makes the change a person
would notice (a row created or changed); every other role is turned away (sent to log in,
403, 404, or the page answers with a refusal) and the database is exactly as it was.

Addresses are literal paths, not URL names, and models are looked up by name across the
apps they live in (``model``), so these tests outlive the renaming of URLs and the moving of
models between apps.
"""

from html import escape
from urllib.parse import urlparse

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission

from bzpeer.lib.names import fits_any
from claims.services import claim_submit
from tests.cast import PEOPLE, ROLES, OrcidAccountFactory, claim_with_staff
from tests.factories import (
    AuthorshipFactory,
    FetchJobFactory,
    FollowFactory,
    GraphSliceFactory,
    InvitationFactory,
    ReportFactory,
    ResearcherFactory,
    WorkAdditionFactory,
    WorkFactory,
)

try:  # Notifications and their emails are moving to the social app.
    from social.emails import unsubscribe_url
except ImportError:
    from profiles.emails import unsubscribe_url

# The apps a model may live in, tried in order (models are moving out of profiles).
APP_LABELS = ("social", "trust", "works", "profiles", "claims", "graph", "sources")


def model(name: str):
    """The model called ``name``, wherever it lives now."""
    for label in APP_LABELS:
        try:
            return apps.get_model(label, name)
        except LookupError:
            continue
    raise LookupError(f"No model {name} in {', '.join(APP_LABELS)}")


# What a role's request comes to.
OK = "changes"  # allowed: the change happens
LOGIN = "login"  # sent to the login page
DENIED = "403"
HIDDEN = "404"
REFUSED = "refused"  # the page answers (a form again, or a redirect with a message), no change
READ = "200"  # a read that is allowed
ADMIN_LOGIN = "admin-login"  # the admin sends people who are not staff to its login

LOGIN_PATH = "/accounts/login/"
ADMIN_LOGIN_PATH = "/admin/login/"


def table(holes: dict[str, str] | None = None, **outcomes: str):
    """One test case per role, naming every role so that none is forgotten. ``holes``: the
    roles for which the site does not yet behave as the table says (strict xfail)."""
    assert set(outcomes) == set(ROLES), f"every role, exactly once: {sorted(outcomes)}"
    holes = holes or {}
    return [
        pytest.param(
            role,
            outcomes[role],
            id=f"{role}-{outcomes[role]}",
            marks=[pytest.mark.xfail(strict=True, reason=holes[role])] if role in holes else [],
        )
        for role in ROLES
    ]


def variants(**tables):
    """The cases of a test that runs in several situations: ``situation=table(...)``; each
    case gets the situation's name first."""
    return [
        pytest.param(name, *case.values, id=f"{name}-{case.id}", marks=case.marks)
        for name, cases in tables.items()
        for case in cases
    ]


# Everything a request could change, row by row (fields a sign-in itself touches left out).
WATCHED = (
    "User",
    "Researcher",
    "Institution",
    "Work",
    "Authorship",
    "WorkAddition",
    "ResearcherChange",
    "SlugRedirect",
    "Follow",
    "Notification",
    "NotificationSettings",
    "Invitation",
    "Message",
    "Block",
    "Claim",
    "Evidence",
    "ClaimEvent",
    "Report",
    "GraphSlice",
    "TrustHistory",
)
VOLATILE = {"User": {"last_login"}}


def database() -> dict[str, list[dict]]:
    state = {}
    for name in WATCHED:
        rows = list(model(name).objects.order_by("pk").values())
        for row in rows:
            for field in VOLATILE.get(name, ()):
                row.pop(field, None)
        state[name] = rows
    return state


def answered(response, outcome: str) -> None:
    status, where = response.status_code, response.get("Location", "")
    if outcome == LOGIN:
        assert status == 302 and where.startswith(LOGIN_PATH), (status, where)
    elif outcome == ADMIN_LOGIN:
        assert status == 302 and where.startswith(ADMIN_LOGIN_PATH), (status, where)
    elif outcome == DENIED:
        assert status == 403, (status, where)
    elif outcome == HIDDEN:
        assert status == 404, (status, where)
    elif outcome == READ:
        assert status == 200, (status, where)
    else:  # OK or REFUSED: the page itself, or a redirect that is not to a login
        assert status in (200, 302), (status, where)
        assert not where.startswith((LOGIN_PATH, ADMIN_LOGIN_PATH)), where


def settle(response, outcome: str, before: dict, changed: bool) -> None:
    """The response is the one the table says, and the change happened if and only if the
    role is allowed; a refused request left every row as it was."""
    answered(response, outcome)
    if outcome == OK:
        assert changed, "the allowed request did not make its change"
    else:
        assert not changed, "a refused request made the change"
        assert database() == before, "a refused request changed the database"


def post(cast, role: str, path: str, data: dict | None = None):
    """``role`` posts to ``path``; returns the response and the database before it."""
    client = cast.client(role)
    before = database()
    return client.post(path, data or {}), before


def pk_of(cast, role: str):
    """The id of the account playing ``role``; None for anonymous."""
    user = cast.user(role)
    return None if user is None else user.pk


def fresh(obj):
    return type(obj).objects.filter(pk=obj.pk).first()


# ---------------------------------------------------------------------------------------
# A researcher record: its owner's edits, its works, following it.

OWNER_ONLY = table(owner=OK, coauthor=DENIED, stranger=DENIED, staff=DENIED, anonymous=LOGIN)
SIGNED_IN = table(owner=OK, coauthor=OK, stranger=OK, staff=OK, anonymous=LOGIN)
EVERYONE = table(owner=OK, coauthor=OK, stranger=OK, staff=OK, anonymous=OK)
STAFF_ONLY = table(owner=DENIED, coauthor=DENIED, stranger=DENIED, staff=OK, anonymous=LOGIN)


@pytest.mark.parametrize("role, outcome", OWNER_ONLY)
def test_edit_a_record(cast, role, outcome):
    data = {
        "summary": f"Edited by the {role}",
        "affiliation": "Harvard",
        "open_to_collaborate": "on",
        "collaboration_topics": "anything",
        "collaboration_capacity": "a lot",
    }
    response, before = post(cast, role, f"/researchers/{cast.owner_record.slug}/edit/", data)
    record = fresh(cast.owner_record)
    settle(response, outcome, before, record.summary == f"Edited by the {role}")
    assert record.owner_id == cast.owner.pk


@pytest.mark.parametrize("role, outcome", OWNER_ONLY)
def test_add_a_work_whose_byline_names_the_owner(cast, role, outcome):
    """The byline entry sits on an unclaimed duplicate record named like the owner."""
    work = WorkFactory()
    AuthorshipFactory(work=work, researcher=ResearcherFactory(display_name="Grace Hopper"))
    identifier = work.identifiers.get().value
    response, before = post(
        cast,
        role,
        f"/researchers/{cast.owner_record.slug}/works/add/",
        {"identifier": f"arXiv:{identifier}"},
    )
    on_record = model("Authorship").objects.filter(researcher=cast.owner_record, work=work)
    settle(response, outcome, before, on_record.exists())


@pytest.mark.parametrize("role, outcome", OWNER_ONLY)
def test_ask_for_a_work_whose_byline_does_not_name_the_owner(cast, role, outcome):
    work = WorkFactory()
    AuthorshipFactory(work=work, researcher=ResearcherFactory(display_name="Someone Else"))
    identifier = work.identifiers.get().value
    response, before = post(
        cast,
        role,
        f"/researchers/{cast.owner_record.slug}/works/add/",
        {"identifier": identifier},
    )
    waiting = model("WorkAddition").objects.filter(
        researcher=cast.owner_record, work=work, status="pending"
    )
    settle(response, outcome, before, waiting.exists())


@pytest.mark.parametrize("role, outcome", OWNER_ONLY)
def test_refresh_a_record_from_its_sources(cast, role, outcome, django_capture_on_commit_callbacks):
    """Queued only (the job's task would read the sources: tests/sources)."""
    model("Researcher").objects.filter(pk=cast.owner_record.pk).update(openalex_id="A5023888391")
    with django_capture_on_commit_callbacks(execute=False):
        response, before = post(
            cast, role, f"/researchers/{cast.owner_record.slug}/sources/refresh/"
        )
    queued = model("FetchJob").objects.filter(researcher=cast.owner_record, kind="refresh")
    settle(response, outcome, before, queued.exists())


@pytest.mark.parametrize(
    "role, outcome",
    table(owner=DENIED, coauthor=DENIED, stranger=OK, staff=DENIED, anonymous=LOGIN),
)
def test_build_a_page_from_orcid(cast, role, outcome, django_capture_on_commit_callbacks):
    """Only for the iD one signed in with, when no record has it: here the stranger's. The
    owner's and coauthor's iDs have records (claim those); staff did not sign in with ORCID."""
    from allauth.socialaccount.models import SocialAccount

    SocialAccount.objects.create(user=cast.stranger, provider="orcid", uid="0000-0002-1825-0097")
    with django_capture_on_commit_callbacks(execute=False):
        response, before = post(cast, role, "/build-my-page/")
    built = model("FetchJob").objects.filter(kind="build", identifier="0000-0002-1825-0097")
    if outcome == DENIED:  # no ORCID sign-in: told so on the home page, nothing queued
        assert response.status_code == 302 and not built.exists()
        return
    settle(response, outcome, before, built.filter(user=pk_of(cast, role)).exists())


@pytest.mark.parametrize(
    "role, outcome",
    table(owner=READ, coauthor=HIDDEN, stranger=HIDDEN, staff=HIDDEN, anonymous=LOGIN),
)
def test_read_someone_elses_job(cast, role, outcome):
    job = FetchJobFactory(user=cast.owner, researcher=cast.owner_record, message="Added it.")
    response = get(cast, role, job.get_absolute_url())
    answered(response, outcome)
    assert ("Added it." in response.content.decode()) is (outcome == READ)


def test_an_owner_cannot_take_a_byline_entry_another_owner_holds(cast):
    """A work on the coauthor's record whose printed name fits the owner: adding it asks
    staff, it does not move the coauthor's entry."""
    work = WorkFactory()
    entry = AuthorshipFactory(work=work, researcher=cast.coauthor_record, printed_name="G. Hopper")
    assert fits_any("G. Hopper", [cast.owner_record.display_name])  # the name would fit
    response = cast.client("owner").post(
        f"/researchers/{cast.owner_record.slug}/works/add/",
        {"identifier": work.identifiers.get().value},
    )
    assert response.status_code == 302
    assert fresh(entry).researcher_id == cast.coauthor_record.pk
    assert model("WorkAddition").objects.filter(researcher=cast.owner_record, work=work).exists()


@pytest.mark.parametrize("role, outcome", OWNER_ONLY)
def test_hide_a_work(cast, role, outcome):
    Authorship = model("Authorship")
    response, before = post(
        cast,
        role,
        f"/researchers/{cast.owner_record.slug}/works/{cast.shared_work.public_id}/hide/",
    )
    mine = Authorship.objects.get(researcher=cast.owner_record, work=cast.shared_work)
    settle(response, outcome, before, mine.hidden)
    # The coauthor's entry for the same work never moves.
    theirs = Authorship.objects.get(researcher=cast.coauthor_record, work=cast.shared_work)
    assert not theirs.hidden


@pytest.mark.parametrize("role, outcome", SIGNED_IN)
def test_follow_a_record(cast, role, outcome):
    response, before = post(cast, role, f"/researchers/{cast.owner_record.slug}/follow/")
    follows = model("Follow").objects.filter(researcher=cast.owner_record)
    changed = list(follows.values_list("user_id", flat=True)) == [pk_of(cast, role)]
    settle(response, outcome, before, changed)
    assert fresh(cast.owner_record).followers_count == (1 if outcome == OK else 0)


@pytest.mark.parametrize("role, outcome", SIGNED_IN)
def test_unfollow_a_record_ends_only_ones_own_follow(cast, role, outcome):
    people = [cast.owner, cast.coauthor, cast.stranger, cast.staff]
    for person in PEOPLE:  # through the site, so the record's count is right
        follow = cast.client(person).post(f"/researchers/{cast.owner_record.slug}/follow/")
        assert follow.status_code == 302
    response, before = post(
        cast, role, f"/researchers/{cast.owner_record.slug}/follow/", {"action": "unfollow"}
    )
    left = set(
        model("Follow")
        .objects.filter(researcher=cast.owner_record)
        .values_list("user_id", flat=True)
    )
    everyone = {person.pk for person in people}
    settle(response, outcome, before, left != everyone)
    if outcome == OK:
        assert left == everyone - {cast.user(role).pk}
    assert fresh(cast.owner_record).followers_count == len(left)


# ---------------------------------------------------------------------------------------
# Invitations and conversations.


@pytest.mark.parametrize(
    "role, outcome",
    table(owner=REFUSED, coauthor=OK, stranger=OK, staff=OK, anonymous=LOGIN),
)
def test_invite_the_owner(cast, role, outcome):
    """Anyone settled may invite a researcher open to collaborate; not to their own record."""
    response, before = post(
        cast,
        role,
        f"/researchers/{cast.owner_record.slug}/invite/",
        {"subject": "Compilers", "message": "Shall we write one together?"},
    )
    sent = model("Invitation").objects.filter(
        researcher=cast.owner_record, recipient=cast.owner, sender=cast.user(role)
    )
    settle(response, outcome, before, role != "anonymous" and sent.exists())


def conversation(cast, *, status: str = "pending", reported: bool = False):
    """The coauthor invites the owner, through the owner's record."""
    return InvitationFactory(
        sender=cast.coauthor,
        researcher=cast.owner_record,
        status=status,
        reported=reported,
        subject="A compiler for the Analytical Engine",
        message="Shall we write a compiler for it together?",
    )


ANSWERS = [
    ("accept", {}, "accepted"),
    ("decline", {"reason": "Too busy this year."}, "declined"),
    ("block", {"reason": ""}, "blocked"),
]


# Staff read a conversation once one of its people reported it: then they are refused
# (403) where before they did not see it at all (404); they never act in it.
ANSWERING = variants(
    unreported=table(owner=OK, coauthor=DENIED, stranger=HIDDEN, staff=HIDDEN, anonymous=LOGIN),
    reported=table(owner=OK, coauthor=DENIED, stranger=HIDDEN, staff=DENIED, anonymous=LOGIN),
)
PARTIES = variants(
    unreported=table(owner=OK, coauthor=OK, stranger=HIDDEN, staff=HIDDEN, anonymous=LOGIN),
    reported=table(owner=OK, coauthor=OK, stranger=HIDDEN, staff=DENIED, anonymous=LOGIN),
)


@pytest.mark.parametrize("action, data, status", ANSWERS, ids=[a[0] for a in ANSWERS])
@pytest.mark.parametrize("situation, role, outcome", ANSWERING)
def test_answer_an_invitation(cast, situation, role, outcome, action, data, status):
    """Only the person invited answers; the sender is refused, others do not see it."""
    invitation = conversation(cast, reported=situation == "reported")
    response, before = post(cast, role, f"/conversations/{invitation.public_id}/{action}/", data)
    answered_as = fresh(invitation).status == status
    if action == "block":
        blocked = model("Block").objects.filter(blocker=cast.owner, blocked=cast.coauthor)
        answered_as = answered_as and blocked.exists()
    settle(response, outcome, before, answered_as)


@pytest.mark.parametrize("situation, role, outcome", PARTIES)
def test_write_in_a_conversation(cast, situation, role, outcome):
    """Its two people write; staff reading a reported conversation cannot write in it."""
    invitation = conversation(cast, status="accepted", reported=situation == "reported")
    response, before = post(
        cast, role, f"/conversations/{invitation.public_id}/message/", {"body": "Hello there."}
    )
    written = model("Message").objects.filter(invitation=invitation, body="Hello there.")
    settle(response, outcome, before, written.filter(author=cast.user(role)).exists())


@pytest.mark.parametrize("situation, role, outcome", PARTIES)
def test_report_a_conversation(cast, situation, role, outcome):
    invitation = conversation(cast, status="accepted", reported=situation == "reported")
    response, before = post(
        cast, role, f"/conversations/{invitation.public_id}/report/", {"reason": "Spam."}
    )
    abuse = model("Report").objects.filter(kind="abuse", reporter=cast.user(role))
    settle(response, outcome, before, abuse.exists() and fresh(invitation).reported)


# ---------------------------------------------------------------------------------------
# Claims: starting, releasing, and staff deciding them.


@pytest.mark.parametrize(
    "role, outcome",
    table(owner=REFUSED, coauthor=OK, stranger=OK, staff=OK, anonymous=LOGIN),
)
def test_claim_an_owned_record(cast, role, outcome):
    """Anyone signed in may dispute a record (a claim for staff); nobody takes it over."""
    response, before = post(
        cast,
        role,
        f"/researchers/{cast.owner_record.slug}/claim/",
        {"kind": "other", "statement": "This record is me, not them."},
    )
    dispute = model("Claim").objects.filter(
        researcher=cast.owner_record, claimant=cast.user(role), status="disputed"
    )
    settle(response, outcome, before, role != "anonymous" and dispute.exists())
    record = fresh(cast.owner_record)
    assert (record.owner_id, record.claim_level) == (cast.owner.pk, 2)


@pytest.mark.parametrize(
    "role, outcome",
    table(owner=REFUSED, coauthor=REFUSED, stranger=OK, staff=REFUSED, anonymous=LOGIN),
)
def test_claim_with_orcid(cast, role, outcome):
    """The stranger signed in with ORCID, with the iD of an unclaimed record in their name:
    they get it at once. Nobody else has that ORCID sign-in, so nobody else gets anything."""
    account = OrcidAccountFactory(user=cast.stranger)
    record = ResearcherFactory(display_name="Sam Stranger", orcid=account.uid)
    response, before = post(cast, role, f"/researchers/{record.slug}/claim/orcid/")
    settle(response, outcome, before, fresh(record).owner_id is not None)
    if outcome == OK:
        assert fresh(record).owner_id == cast.stranger.pk


@pytest.mark.parametrize(
    "role, outcome",
    table(owner=OK, coauthor=HIDDEN, stranger=HIDDEN, staff=HIDDEN, anonymous=LOGIN),
)
def test_release_a_claim(cast, role, outcome):
    response, before = post(
        cast, role, f"/claims/{cast.owner_claim.public_id}/release/", {"reason": "Not mine."}
    )
    record = fresh(cast.owner_record)
    released = fresh(cast.owner_claim).status == "released" and record.owner_id is None
    settle(response, outcome, before, released)


def pending_claim(cast):
    """The stranger claims an unclaimed record in their name, for staff to decide."""
    record = ResearcherFactory(display_name="Samuel Q. Stranger")
    return claim_submit(user=cast.stranger, researcher=record, kind="other", statement="Mine.")


@pytest.mark.parametrize("action", ["approve", "reject"])
@pytest.mark.parametrize("role, outcome", STAFF_ONLY)
def test_staff_decide_a_claim(cast, role, outcome, action):
    claim = pending_claim(cast)
    response, before = post(
        cast, role, f"/staff/claims/{claim.public_id}/", {"action": action, "reason": "Checked."}
    )
    decided = fresh(claim).status == {"approve": "approved", "reject": "rejected"}[action]
    settle(response, outcome, before, decided)
    owner = fresh(claim.researcher).owner_id
    assert owner == (cast.stranger.pk if outcome == OK and action == "approve" else None)


@pytest.mark.parametrize("role, outcome", STAFF_ONLY)
def test_staff_revoke_a_claim(cast, role, outcome):
    response, before = post(
        cast,
        role,
        f"/staff/claims/{cast.owner_claim.public_id}/",
        {"action": "revoke", "reason": "The lab page was forged."},
    )
    revoked = fresh(cast.owner_claim).status == "revoked"
    settle(response, outcome, before, revoked and fresh(cast.owner_record).owner_id is None)


def test_staff_cannot_decide_their_own_claim(cast):
    record = ResearcherFactory(display_name="Stella Staff")
    claim = claim_submit(user=cast.staff, researcher=record, kind="other", statement="Me.")
    response, before = post(
        cast, "staff", f"/staff/claims/{claim.public_id}/", {"action": "approve", "reason": "Me."}
    )
    settle(response, REFUSED, before, fresh(record).owner_id is not None)


# ---------------------------------------------------------------------------------------
# Reports and merge requests.


@pytest.mark.parametrize("role, outcome", EVERYONE)
def test_report_a_record(cast, role, outcome):
    """Anyone, signed in or not, may report a record: a report for staff, nothing more."""
    response, before = post(
        cast,
        role,
        f"/researchers/{cast.owner_record.slug}/report/",
        {"kind": "not-their-work", "work": str(cast.shared_work.public_id), "message": "No."},
    )
    reports = model("Report").objects.filter(
        researcher=cast.owner_record, work=cast.shared_work, kind="not-their-work"
    )
    settle(response, outcome, before, reports.filter(reporter=cast.user(role)).exists())
    assert fresh(cast.owner_record).owner_id == cast.owner.pk


@pytest.mark.parametrize(
    "role, outcome",
    table(owner=OK, coauthor=REFUSED, stranger=REFUSED, staff=REFUSED, anonymous=LOGIN),
)
def test_ask_to_merge_two_records_one_owns(cast, role, outcome):
    second = claim_with_staff(cast.owner, ResearcherFactory(display_name="G. Hopper"), cast.staff)
    response, before = post(
        cast,
        role,
        f"/researchers/{cast.owner_record.slug}/merge-request/",
        {"other": second.researcher.slug},
    )
    asked = model("Report").objects.filter(kind="merge", researcher=cast.owner_record)
    settle(response, outcome, before, asked.exists())


@pytest.mark.parametrize(
    "role, outcome",
    table(owner=REFUSED, coauthor=REFUSED, stranger=REFUSED, staff=REFUSED, anonymous=LOGIN),
)
def test_nobody_asks_to_merge_records_of_two_people(cast, role, outcome):
    response, before = post(
        cast,
        role,
        f"/researchers/{cast.coauthor_record.slug}/merge-request/",
        {"other": cast.owner_record.slug},
    )
    settle(response, outcome, before, model("Report").objects.filter(kind="merge").exists())


@pytest.mark.parametrize("decision", ["uphold", "dismiss"])
@pytest.mark.parametrize("role, outcome", STAFF_ONLY)
def test_staff_decide_a_report(cast, role, outcome, decision):
    report = ReportFactory(researcher=cast.owner_record, kind="not-me")
    response, before = post(cast, role, f"/staff/reports/{report.pk}/{decision}/")
    status = {"uphold": "upheld", "dismiss": "dismissed"}[decision]
    settle(response, outcome, before, fresh(report).status == status)


# ---------------------------------------------------------------------------------------
# The research graph.


@pytest.mark.parametrize("role, outcome", EVERYONE)
def test_retry_a_failed_graph(cast, role, outcome):
    """Anyone may ask again for a failed build: it only puts the build back in the queue."""
    graph = GraphSliceFactory(researcher=cast.owner_record, state="failed")
    response, before = post(cast, role, f"/researchers/{cast.owner_record.slug}/graph/retry/")
    settle(response, outcome, before, fresh(graph).state == "pending")


@pytest.mark.parametrize(
    "role, outcome",
    table(owner=REFUSED, coauthor=REFUSED, stranger=REFUSED, staff=REFUSED, anonymous=REFUSED),
)
def test_retry_leaves_a_built_graph_alone(cast, role, outcome):
    graph = GraphSliceFactory(researcher=cast.owner_record, state="ready", version=1)
    response, before = post(cast, role, f"/researchers/{cast.owner_record.slug}/graph/retry/")
    settle(response, outcome, before, fresh(graph).state != "ready")


# ---------------------------------------------------------------------------------------
# A person's own account: each changes theirs, nobody else's.


@pytest.mark.parametrize("role, outcome", SIGNED_IN)
def test_rename_ones_account(cast, role, outcome):
    names = {person.pk: person.name for person in cast.others(role)}
    response, before = post(cast, role, "/account/", {"name": "Renamed Person"})
    user = cast.user(role)
    settle(response, outcome, before, user is not None and fresh(user).name == "Renamed Person")
    assert all(type(p).objects.get(pk=p.pk).name == names[p.pk] for p in cast.others(role))


@pytest.mark.parametrize("role, outcome", SIGNED_IN)
def test_turn_emails_off(cast, role, outcome):
    """Every box unticked but the weekly digest."""
    response, before = post(cast, role, "/account/notifications/", {"weekly_digest": "on"})
    off = model("NotificationSettings").objects.filter(
        new_follower=False, invitation=False, reply=False, claim_decision=False
    )
    user = cast.user(role)
    settle(response, outcome, before, user is not None and off.filter(user=user).exists())
    assert not off.exclude(user=user).exists()


@pytest.mark.parametrize("role, outcome", SIGNED_IN)
def test_delete_ones_account(cast, role, outcome):
    response, before = post(cast, role, "/account/delete/", {"confirm": "delete"})
    User = model("User")
    user = cast.user(role)
    settle(
        response, outcome, before, user is not None and not User.objects.filter(pk=user.pk).exists()
    )
    assert all(User.objects.filter(pk=p.pk).exists() for p in cast.others(role))
    if role == "owner":
        assert fresh(cast.owner_record).owner_id is None  # unclaimed again
    else:
        assert fresh(cast.owner_record).owner_id == cast.owner.pk


@pytest.mark.parametrize("role, outcome", EVERYONE)
def test_one_click_unsubscribe(cast, role, outcome):
    """The signed link is the credential: whoever holds the owner's link turns that kind
    of email off for the owner, and for nobody else."""
    path = urlparse(unsubscribe_url(cast.owner, "reply")).path
    response, before = post(cast, role, path)
    off = model("NotificationSettings").objects.filter(reply=False)
    settle(
        response, outcome, before, list(off.values_list("user_id", flat=True)) == [cast.owner.pk]
    )


@pytest.mark.parametrize(
    "role, outcome",
    table(owner=HIDDEN, coauthor=HIDDEN, stranger=HIDDEN, staff=HIDDEN, anonymous=HIDDEN),
)
def test_a_forged_unsubscribe_link_changes_nothing(cast, role, outcome):
    path = urlparse(unsubscribe_url(cast.owner, "reply")).path
    token = path.rstrip("/").rsplit("/", 1)[1]
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    response, before = post(cast, role, f"/notifications/unsubscribe/{forged}/")
    off = model("NotificationSettings").objects.filter(reply=False)
    settle(response, outcome, before, off.exists())


@pytest.mark.parametrize("role", ROLES)
def test_opening_an_unsubscribe_link_changes_nothing(cast, role):
    """Mail scanners open links: only the POST (the button, or the mail program's one-click
    request) turns the email off."""
    path = urlparse(unsubscribe_url(cast.owner, "reply")).path
    client = cast.client(role)
    before = database()
    assert client.get(path).status_code == 200
    assert database() == before


# ---------------------------------------------------------------------------------------
# Staff decisions taken in the admin, with its actions: staff with the model's change
# permission (what a staff role is given); the admin sends everyone else to its login.


def admin_changelist(model_class) -> str:
    meta = model_class._meta
    return f"/admin/{meta.app_label}/{meta.model_name}/"


def grant_change(user, model_class) -> None:
    meta = model_class._meta
    user.user_permissions.add(
        Permission.objects.get(
            content_type__app_label=meta.app_label, codename=f"change_{meta.model_name}"
        )
    )


ADMIN_STAFF_ONLY = table(
    owner=ADMIN_LOGIN, coauthor=ADMIN_LOGIN, stranger=ADMIN_LOGIN, staff=OK, anonymous=ADMIN_LOGIN
)


@pytest.mark.parametrize("action", ["approve", "reject"])
@pytest.mark.parametrize("role, outcome", ADMIN_STAFF_ONLY)
def test_staff_decide_a_work_an_owner_asked_for(cast, role, outcome, action):
    WorkAddition = model("WorkAddition")
    grant_change(cast.staff, WorkAddition)
    addition = WorkAdditionFactory(researcher=cast.owner_record, requested_by=cast.owner)
    response, before = post(
        cast,
        role,
        admin_changelist(WorkAddition),
        {"action": action, "_selected_action": [addition.pk]},
    )
    decided = fresh(addition).status == {"approve": "approved", "reject": "rejected"}[action]
    settle(response, outcome, before, decided)
    on_record = model("Authorship").objects.filter(researcher=cast.owner_record, work=addition.work)
    assert on_record.exists() is (outcome == OK and action == "approve")


@pytest.mark.parametrize("action", ["uphold", "dismiss"])
@pytest.mark.parametrize("role, outcome", ADMIN_STAFF_ONLY)
def test_staff_decide_a_report_in_the_admin(cast, role, outcome, action):
    Report = model("Report")
    grant_change(cast.staff, Report)
    report = ReportFactory(researcher=cast.owner_record, kind="not-me")
    response, before = post(
        cast, role, admin_changelist(Report), {"action": action, "_selected_action": [report.pk]}
    )
    decided = fresh(report).status == {"uphold": "upheld", "dismiss": "dismissed"}[action]
    settle(response, outcome, before, decided)


def test_staff_without_the_admin_permission_change_nothing_there(cast):
    addition = WorkAdditionFactory(researcher=cast.owner_record, requested_by=cast.owner)
    report = ReportFactory(researcher=cast.owner_record, kind="not-me")
    client = cast.client("staff")
    before = database()
    for changelist, pk, action in [
        (admin_changelist(model("WorkAddition")), addition.pk, "approve"),
        (admin_changelist(model("Report")), report.pk, "uphold"),
    ]:
        response = client.post(changelist, {"action": action, "_selected_action": [pk]})
        assert response.status_code == 403, changelist
    assert database() == before


# ---------------------------------------------------------------------------------------
# A staff member whose session did not pass the second factor reaches no staff power.


def test_staff_without_a_second_factor_change_nothing(cast):
    claim = pending_claim(cast)
    report = ReportFactory(researcher=cast.owner_record)
    client = cast.client("staff", mfa=False)
    before = database()
    for path, data in [
        (f"/staff/claims/{claim.public_id}/", {"action": "approve", "reason": "Fine."}),
        (f"/staff/claims/{cast.owner_claim.public_id}/", {"action": "revoke", "reason": "No."}),
        (f"/staff/reports/{report.pk}/uphold/", {}),
    ]:
        response = client.post(path, data)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/2fa/reauthenticate/"), path
    assert database() == before
    invitation = conversation(cast, status="accepted", reported=True)
    before = database()
    response = client.post(f"/conversations/{invitation.public_id}/message/", {"body": "Hi."})
    assert response.status_code == 404
    assert database() == before
    assert client.get(f"/claims/{cast.owner_claim.public_id}/").status_code == 404
    assert client.get(f"/conversations/{invitation.public_id}/").status_code == 404


# ---------------------------------------------------------------------------------------
# A request forged from another site (no CSRF token), in an allowed role's session,
# changes nothing anywhere. (One-click unsubscribe is exempt on purpose: RFC 8058.)


def _loose_work(cast):
    work = WorkFactory()
    AuthorshipFactory(work=work, researcher=ResearcherFactory(display_name="Grace Hopper"))
    return work.identifiers.get().value


def _second_record(cast):
    return claim_with_staff(cast.owner, ResearcherFactory(display_name="G. Hopper"), cast.staff)


def _orcid_record(cast):
    return ResearcherFactory(
        display_name="Sam Stranger", orcid=OrcidAccountFactory(user=cast.stranger).uid
    )


def _failed_graph(cast):
    return GraphSliceFactory(researcher=cast.owner_record, state="failed")


def _admin_action(cast, name, make, action):
    model_class = model(name)
    grant_change(cast.staff, model_class)
    return admin_changelist(model_class), {"action": action, "_selected_action": [make().pk]}


# name: (an allowed role, a function of the cast giving the path and the data)
ENDPOINTS = {
    "edit": ("owner", lambda c: (f"/researchers/{c.owner_record.slug}/edit/", {"summary": "x"})),
    "work-add": (
        "owner",
        lambda c: (
            f"/researchers/{c.owner_record.slug}/works/add/",
            {"identifier": _loose_work(c)},
        ),
    ),
    "refresh": ("owner", lambda c: (f"/researchers/{c.owner_record.slug}/sources/refresh/", {})),
    "page-build": ("stranger", lambda c: ("/build-my-page/", {})),
    "work-hide": (
        "owner",
        lambda c: (f"/researchers/{c.owner_record.slug}/works/{c.shared_work.public_id}/hide/", {}),
    ),
    "follow": ("stranger", lambda c: (f"/researchers/{c.owner_record.slug}/follow/", {})),
    "invite": (
        "stranger",
        lambda c: (f"/researchers/{c.owner_record.slug}/invite/", {"subject": "s", "message": "m"}),
    ),
    "conversation-accept": (
        "owner",
        lambda c: (f"/conversations/{conversation(c).public_id}/accept/", {}),
    ),
    "conversation-message": (
        "coauthor",
        lambda c: (
            f"/conversations/{conversation(c, status='accepted').public_id}/message/",
            {"body": "Hi."},
        ),
    ),
    "conversation-report": (
        "owner",
        lambda c: (
            f"/conversations/{conversation(c, status='accepted').public_id}/report/",
            {"reason": "Spam."},
        ),
    ),
    "claim": (
        "stranger",
        lambda c: (
            f"/researchers/{c.owner_record.slug}/claim/",
            {"kind": "other", "statement": "Me."},
        ),
    ),
    "claim-orcid": (
        "stranger",
        lambda c: (f"/researchers/{_orcid_record(c).slug}/claim/orcid/", {}),
    ),
    "claim-release": ("owner", lambda c: (f"/claims/{c.owner_claim.public_id}/release/", {})),
    "report": (
        "anonymous",
        lambda c: (f"/researchers/{c.owner_record.slug}/report/", {"kind": "not-me"}),
    ),
    "merge-request": (
        "owner",
        lambda c: (
            f"/researchers/{c.owner_record.slug}/merge-request/",
            {"other": _second_record(c).researcher.slug},
        ),
    ),
    "staff-review": (
        "staff",
        lambda c: (
            f"/staff/claims/{pending_claim(c).public_id}/",
            {"action": "approve", "reason": "Fine."},
        ),
    ),
    "staff-report-decide": (
        "staff",
        lambda c: (f"/staff/reports/{ReportFactory(researcher=c.owner_record).pk}/uphold/", {}),
    ),
    "graph-retry": (
        "anonymous",
        lambda c: (f"/researchers/{_failed_graph(c).researcher.slug}/graph/retry/", {}),
    ),
    "account": ("stranger", lambda c: ("/account/", {"name": "Renamed"})),
    "email-settings": ("stranger", lambda c: ("/account/notifications/", {"reply": "on"})),
    "account-delete": ("stranger", lambda c: ("/account/delete/", {"confirm": "delete"})),
    "admin-work-addition": (
        "staff",
        lambda c: _admin_action(
            c, "WorkAddition", lambda: WorkAdditionFactory(researcher=c.owner_record), "approve"
        ),
    ),
    "admin-report": (
        "staff",
        lambda c: _admin_action(
            c, "Report", lambda: ReportFactory(researcher=c.owner_record), "uphold"
        ),
    ),
}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_forged_cross_site_request_changes_nothing(cast, endpoint):
    role, where = ENDPOINTS[endpoint]
    path, data = where(cast)
    client = cast.client(role, csrf_checks=True)
    before = database()
    response = client.post(path, data)
    assert response.status_code == 403, (response.status_code, response.get("Location"))
    assert database() == before


# ---------------------------------------------------------------------------------------
# Reads that are private.


def get(cast, role: str, path: str):
    return cast.client(role).get(path)


@pytest.mark.parametrize(
    "role, outcome",
    table(owner=READ, coauthor=HIDDEN, stranger=HIDDEN, staff=READ, anonymous=LOGIN),
)
def test_read_someone_elses_claim(cast, role, outcome):
    response = get(cast, role, f"/claims/{cast.owner_claim.public_id}/")
    answered(response, outcome)
    evidence = escape(cast.owner_claim.evidence.get().summary)
    assert (evidence in response.content.decode()) is (outcome == READ)


@pytest.mark.parametrize(
    "situation, role, outcome",
    variants(
        unreported=table(owner=READ, coauthor=READ, stranger=HIDDEN, staff=HIDDEN, anonymous=LOGIN),
        reported=table(owner=READ, coauthor=READ, stranger=HIDDEN, staff=READ, anonymous=LOGIN),
    ),
)
def test_read_someone_elses_conversation(cast, situation, role, outcome):
    """Its two people; staff only once one of them reported it."""
    invitation = conversation(cast, status="accepted", reported=situation == "reported")
    response = get(cast, role, f"/conversations/{invitation.public_id}/")
    answered(response, outcome)
    assert (invitation.message in response.content.decode()) is (outcome == READ)


@pytest.mark.parametrize(
    "role, outcome",
    table(owner=READ, coauthor=READ, stranger=READ, staff=READ, anonymous=LOGIN),
)
def test_the_list_of_conversations_shows_ones_own(cast, role, outcome):
    invitation = conversation(cast)
    response = get(cast, role, "/conversations/")
    answered(response, outcome)
    party = role in ("owner", "coauthor")
    assert (invitation.subject in response.content.decode()) is party


@pytest.mark.parametrize(
    "path",
    ["/staff/claims/", "/staff/claims/{claim}/"],
    ids=["queue", "review"],
)
@pytest.mark.parametrize(
    "role, outcome",
    table(owner=DENIED, coauthor=DENIED, stranger=DENIED, staff=READ, anonymous=LOGIN),
)
def test_read_the_staff_pages(cast, role, outcome, path):
    claim = pending_claim(cast)
    response = get(cast, role, path.format(claim=claim.public_id))
    answered(response, outcome)
    assert ("Samuel Q. Stranger" in response.content.decode()) is (outcome == READ)


@pytest.mark.parametrize("page", ["followers", "edit"])
@pytest.mark.parametrize(
    "role, outcome",
    table(owner=READ, coauthor=DENIED, stranger=DENIED, staff=DENIED, anonymous=LOGIN),
)
def test_read_the_owners_pages(cast, role, outcome, page):
    """Who follows the record, and its edit form: for its owner."""
    FollowFactory(user=cast.stranger, researcher=cast.owner_record)
    response = get(cast, role, f"/researchers/{cast.owner_record.slug}/{page}/")
    answered(response, outcome)
    if outcome == READ and page == "followers":
        assert cast.stranger.name in response.content.decode()


@pytest.mark.parametrize(
    "role, outcome",
    table(owner=READ, coauthor=READ, stranger=READ, staff=READ, anonymous=LOGIN),
)
def test_download_ones_data_holds_nobody_elses(cast, role, outcome):
    response = get(cast, role, "/account/data.json")
    answered(response, outcome)
    if outcome == READ:
        body = response.content.decode()
        assert response.json()["account"]["email"] == cast.user(role).email
        assert not any(person.email in body for person in cast.others(role))


@pytest.mark.parametrize(
    "role, outcome",
    table(owner=READ, coauthor=READ, stranger=READ, staff=READ, anonymous=LOGIN),
)
def test_reading_notifications_marks_only_ones_own(cast, role, outcome):
    """A read that writes: the page marks what it shows as read, and it shows one's own."""
    Notification = model("Notification")
    assert Notification.objects.filter(user=cast.owner, read_at=None).exists()  # the claim
    response = get(cast, role, "/notifications/")
    answered(response, outcome)
    read = set(Notification.objects.exclude(read_at=None).values_list("user_id", flat=True))
    assert read == ({cast.user(role).pk} if role in ("owner", "coauthor") else set())
