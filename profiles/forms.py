"""The profiles app's forms. Text fields use bzpeer.lib.forms: no control characters."""

from django import forms

from bzpeer.lib.forms import LineField


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
