"""A person's account: their name, their data, deleting it."""

import json

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from profiles.forms import (
    AccountForm,
)
from profiles.services import (
    account_rename,
)
from profiles.services.social import account_delete, account_export


@login_required
def account(request):
    form = AccountForm(request.POST or None, initial={"name": request.user.name})
    if request.method == "POST" and form.is_valid():
        account_rename(user=request.user, name=form.cleaned_data["name"])
        messages.success(request, "Saved.")
        return redirect("profiles:account")
    return render(request, "profiles/account.html", {"form": form})


@login_required
def your_data(request):
    return render(request, "profiles/your_data.html", {})


@login_required
def your_data_json(request):
    response = HttpResponse(
        json.dumps(account_export(user=request.user), indent=2, ensure_ascii=False),
        content_type="application/json",
    )
    response["Content-Disposition"] = 'attachment; filename="bzpeer-my-data.json"'
    return response


@require_POST
@login_required
@reauthentication_required
def account_delete_view(request):
    if request.POST.get("confirm") != "delete":
        messages.error(request, "Type “delete” to confirm.")
        return redirect("profiles:your-data")
    user = request.user
    logout(request)
    account_delete(user=user)
    messages.success(request, "Your account and everything you added are deleted.")
    return redirect("profiles:home")
