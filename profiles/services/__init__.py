"""Writes of the profiles app: researcher records (researchers.py), their counts and trust
(refresh.py), their owners' changes (owners.py) and people (social.py)."""

from profiles.services.owners import (
    OWNERS_ONLY,
    authorship_add,
    authorship_hide,
    researcher_update,
    work_addition_decide,
)
from profiles.services.refresh import (
    REFRESH_CHUNK,
    coauthor_ids,
    researcher_mark_stale,
    researcher_refresh_later,
    researcher_refresh_stale,
    researcher_refresh_stats,
)
from profiles.services.researchers import researcher_merge, researcher_split, unique_slugs
from profiles.services.social import (
    InvitationError,
    account_rename,
    can_invite,
    digest_notify,
    display_name,
    email_settings,
    follow_create,
    follow_delete,
    get_invitation_for_user,
    invitation_accept,
    invitation_decline,
    invitation_report,
    invitation_send,
    message_send,
    notify,
)

__all__ = [
    "OWNERS_ONLY",
    "REFRESH_CHUNK",
    "InvitationError",
    "account_rename",
    "authorship_add",
    "authorship_hide",
    "can_invite",
    "digest_notify",
    "coauthor_ids",
    "display_name",
    "email_settings",
    "follow_create",
    "follow_delete",
    "get_invitation_for_user",
    "invitation_accept",
    "invitation_decline",
    "invitation_report",
    "invitation_send",
    "message_send",
    "notify",
    "researcher_mark_stale",
    "researcher_merge",
    "researcher_refresh_later",
    "researcher_refresh_stale",
    "researcher_refresh_stats",
    "researcher_split",
    "researcher_update",
    "unique_slugs",
    "work_addition_decide",
]
