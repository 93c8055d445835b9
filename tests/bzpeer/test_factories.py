"""Every model has a factory that makes a valid row, so tests build what they need instead of
updating rows around the services."""

import inspect

import pytest
from django.apps import apps
from factory.django import DjangoModelFactory

from tests import factories

APPS = {"profiles", "works", "graph", "social", "trust", "claims"}


def factory_models() -> dict[str, type[DjangoModelFactory]]:
    found = {}
    for _, cls in inspect.getmembers(factories, inspect.isclass):
        if issubclass(cls, DjangoModelFactory) and cls is not DjangoModelFactory:
            model = cls._meta.get_model_class()
            found[model._meta.label] = cls
    return found


def test_every_model_has_a_factory():
    models = {m._meta.label for m in apps.get_models() if m._meta.app_label in APPS}
    assert models - set(factory_models()) == set()


@pytest.mark.django_db
@pytest.mark.parametrize("label", sorted(factory_models()))
def test_each_factory_makes_a_valid_row(label):
    made = factory_models()[label]()
    made.full_clean(validate_unique=False, exclude=["password"])
    assert type(made)._default_manager.filter(pk=made.pk).exists()
