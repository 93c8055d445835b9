"""The claims app's forms. Text fields use bzpeer.lib.forms: no control characters."""

from typing import cast

from django import forms

from bzpeer.lib.forms import LineField, ParagraphsField
from claims.models import Report


class EmailClaimForm(forms.Form):
    email = forms.ChoiceField(label="Your verified address at the institution")

    def __init__(self, *args, emails, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["email"]).choices = [(e, e) for e in emails]


class OtherClaimForm(forms.Form):
    links = ParagraphsField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
        help_text="Pages that show these works are yours: a lab page, a CV, a publisher page.",
    )
    statement = ParagraphsField(max_length=5000)


class ReleaseForm(forms.Form):
    reason = LineField(max_length=500, required=False)


class DecisionForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in ("approve", "reject", "revoke")])
    reason = ParagraphsField(max_length=2000)


class MergeRequestForm(forms.Form):
    other = forms.SlugField(max_length=120)


class ReportForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[(k.value, k.label) for k in (Report.Kind.NOT_ME, Report.Kind.NOT_THEIR_WORK)],
        widget=forms.RadioSelect,
    )
    work = forms.UUIDField(required=False, widget=forms.HiddenInput)
    message = ParagraphsField(required=False, max_length=5000)


class ReportReasonForm(forms.Form):
    reason = ParagraphsField(max_length=4000, required=False)
