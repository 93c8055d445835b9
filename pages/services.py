"""Writes that reach across apps for one person: everything they added, as data to take
away, and deleting their account with it."""

from django.db import transaction
from django.db.models import F, Prefetch

from claims.models import Claim, Report
from profiles.models import Follow, Researcher, User
from profiles.services import researcher_refresh
from social.models import Invitation, Message, Notification, NotificationSettings
from social.services import email_settings
from sources.models import FetchJob


def account_export(*, user: User) -> dict:
    """Everything this person added to BZPEER, as plain data for a JSON download."""

    def when(value):
        return value.isoformat() if value else None

    claims = (
        Claim.objects.filter(claimant=user)
        .select_related("researcher")
        .prefetch_related("evidence")
    )
    mine = Prefetch("messages", queryset=Message.objects.filter(author=user), to_attr="mine")
    conversations = (
        Invitation.objects.involving(user).select_related("researcher").prefetch_related(mine)
    )
    chosen = email_settings(user)
    return {
        "account": {"email": user.email, "name": user.name, "joined": when(user.date_joined)},
        "email_settings": {k: getattr(chosen, k) for k in NotificationSettings.KINDS},
        "follows": [
            {
                "researcher": f.researcher.slug,
                "name": f.researcher.display_name,
                "since": when(f.created_at),
            }
            for f in Follow.objects.filter(user=user).select_related("researcher")
        ],
        "claims": [
            {
                "record": c.researcher.slug,
                "status": c.status,
                "created": when(c.created_at),
                "decision_reason": c.decision_reason,
                "evidence": [
                    {
                        "kind": e.kind,
                        "summary": e.summary,
                        "links": e.links,
                        "statement": e.statement,
                    }
                    for e in c.evidence.all()
                ],
            }
            for c in claims
        ],
        "conversations": [
            {
                "subject": i.subject,
                "role": "sender" if i.sender_id == user.pk else "recipient",
                "record": i.researcher.slug,
                "status": i.status,
                "invitation": i.message if i.sender_id == user.pk else None,
                "created": when(i.created_at),
                "my_messages": [{"body": m.body, "sent": when(m.created_at)} for m in i.mine],
            }
            for i in conversations
        ],
        "reports": [
            {
                "record": r.researcher.slug,
                "kind": r.kind,
                "message": r.message,
                "created": when(r.created_at),
            }
            for r in Report.objects.filter(reporter=user).select_related("researcher")
        ],
        "notifications": [
            {"text": n.text, "created": when(n.created_at)}
            for n in Notification.objects.filter(user=user)
        ],
        "source_reads_asked": [
            {
                "kind": j.kind,
                "keys": j.keys,
                "status": j.status,
                "message": j.message,
                "created": when(j.created_at),
            }
            for j in FetchJob.objects.filter(user=user)
        ],
    }


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Delete the account and what the person added: follows, claims, conversations,
    settings. The public bibliographic records stay as they were, unclaimed again."""
    # Their follows go with the account; each record they followed loses one follower.
    Researcher.objects.filter(follows__user=user).mark_stale(
        "a follower left", followers_count=F("followers_count") - 1
    )
    owned = list(Researcher.objects.filter(owner=user).values_list("pk", flat=True))
    Researcher.objects.filter(pk__in=owned).update(owner=None, claim_level=0)
    user.delete()
    researcher_refresh(researcher_ids=owned, event="the owner deleted their account")
