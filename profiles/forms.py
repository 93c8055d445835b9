"""The profiles app's forms. Text fields use bzpeer.lib.forms: no control characters."""

from typing import cast

from django import forms

from bzpeer.lib.forms import LineField, ParagraphsField
from profiles.models import NotificationSettings
from works.models import Work


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


class EmailSettingsForm(forms.ModelForm):
    class Meta:
        model = NotificationSettings
        fields = NotificationSettings.KINDS


class InvitationForm(forms.Form):
    subject = LineField(max_length=200)
    message = ParagraphsField(widget=forms.Textarea(attrs={"rows": 6}), max_length=5000)
    work = forms.ModelChoiceField(
        queryset=Work.objects.none(), required=False, label="About one of their works (optional)"
    )

    def __init__(self, *args, researcher, **kwargs):
        super().__init__(*args, **kwargs)
        work = cast(forms.ModelChoiceField, self.fields["work"])
        work.queryset = Work.objects.by_researcher(researcher).newest_first()


class MessageForm(forms.Form):
    body = ParagraphsField(max_length=5000)


class ReasonForm(forms.Form):
    reason = ParagraphsField(max_length=500, required=False)


class ReportReasonForm(forms.Form):
    reason = ParagraphsField(max_length=4000, required=False)


CONVERSATION_FORMS = {
    "accept": None,
    "decline": ReasonForm,
    "block": ReasonForm,
    "message": MessageForm,
    "report": ReportReasonForm,
}


class AccountForm(forms.Form):
    name = LineField(
        max_length=200,
        label="Your name",
        help_text="As you publish it. Others see it on your invitations and messages.",
    )
