"""The social app's forms. Text fields use bzpeer.lib.forms: no control characters."""

from typing import cast

from django import forms

from bzpeer.lib.forms import LineField, ParagraphsField
from social.models import NotificationSettings
from works.models import Work


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


CONVERSATION_FORMS = {
    "accept": None,
    "decline": ReasonForm,
    "block": ReasonForm,
    "message": MessageForm,
}
