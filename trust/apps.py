from django.apps import AppConfig


class TrustConfig(AppConfig):
    name = "trust"

    def ready(self) -> None:
        # Lower apps ask for researchers' figures to be recomputed through profiles.signals;
        # this app answers.
        from trust import receivers  # noqa: F401 (connects the receivers)
