from django.contrib.sitemaps import views as sitemap_views
from django.urls import path
from django.views.decorators.cache import cache_page

from pages import views
from pages.sitemaps import SITEMAPS

SITEMAP_CACHE = 60 * 60  # seconds: crawlers read it daily at most

app_name = "pages"

urlpatterns = [
    path("", views.home, name="home"),
    path("researchers/<slug:slug>/", views.researcher_detail, name="researcher-detail"),
    path(
        "researchers/<slug:slug>/graph/",
        views.researcher_detail,
        {"explorer": True},
        name="researcher-graph",
    ),
    path("account/data/", views.your_data, name="your-data"),
    path("account/data.json", views.your_data_json, name="your-data-json"),
    path("account/delete/", views.account_delete_view, name="account-delete"),
    path("robots.txt", views.robots_txt, name="robots"),
    path(
        "sitemap.xml",
        cache_page(SITEMAP_CACHE)(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "pages:sitemap-section"},
        name="sitemap-index",
    ),
    path(
        "sitemap-<section>.xml",
        cache_page(SITEMAP_CACHE)(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
]
