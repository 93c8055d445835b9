"""How lower apps ask for researchers' derived figures (counts, trust, research graph) to be
recomputed without importing the app that computes them, which sits above them all.

Researchers' figures are derived data; the trust app answers these signals (trust.receivers).
Senders go through profiles.services (researcher_refresh, researcher_refresh_later,
researcher_refresh_stale), never through the signals directly.
"""

from django.dispatch import Signal

# Recompute before returning. Arguments: researcher_ids (a list, or None for every
# researcher marked stale), event (for the trust history), progress (called with done, total).
refresh_now = Signal()

# Queue the recomputation (a Celery task per chunk). Sent once the transaction commits.
# Arguments: researcher_ids, event.
refresh_queued = Signal()
