"""The profiles app's forms. Text fields use bzpeer.lib.forms: no control characters."""

from django import forms

from bzpeer.lib.forms import LineField
from profiles.models import ApiToken
from profiles.services import TOKEN_DAYS


class ResearcherEditForm(forms.Form):
    summary = LineField(max_length=300, required=False, label="One-line summary")
    affiliation = LineField(
        max_length=300,
        required=False,
        help_text="Your institution, where the sources did not give one.",
    )
    open_to_collaborate = forms.BooleanField(required=False, label="Open to collaborate")
    collaboration_topics = LineField(
        max_length=300, required=False, label="Open to collaborate on (topics)"
    )
    collaboration_capacity = LineField(
        max_length=200,
        required=False,
        label="How much time you have",
        help_text="e.g. “a few hours a month”",
    )


class AddWorkForm(forms.Form):
    identifier = LineField(max_length=300, label="DOI or arXiv ID of a work of yours")


class AccountForm(forms.Form):
    name = LineField(
        max_length=200,
        label="Your name",
        help_text="As you publish it. Others see it on your invitations and messages.",
    )


class ApiTokenForm(forms.Form):
    name = LineField(max_length=100, label="What it is for", help_text="e.g. “Zotero sync”")
    scope = forms.ChoiceField(choices=ApiToken.Scope.choices, initial=ApiToken.Scope.READ)
    days = forms.TypedChoiceField(
        choices=list(TOKEN_DAYS.items()), coerce=int, initial=90, label="Expires after"
    )
