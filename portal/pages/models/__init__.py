from portal.pages.models.base import BasePage, PublicSiteSettings
from portal.pages.models.branches import BranchIndexPage, BranchPage
from portal.pages.models.families import (
    LeafletDocument,
    LeafletPage,
    ParentPage,
    ReferralFormPage,
    ReferrerPage,
)
from portal.pages.models.home import HomePage, NewsIndexPage, NewsPage, StandardPage
from portal.pages.models.volunteering import VolunteerApplicationPage

__all__ = [
    "BasePage",
    "BranchIndexPage",
    "BranchPage",
    "HomePage",
    "LeafletDocument",
    "LeafletPage",
    "NewsIndexPage",
    "NewsPage",
    "ParentPage",
    "PublicSiteSettings",
    "ReferralFormPage",
    "ReferrerPage",
    "StandardPage",
    "VolunteerApplicationPage",
]
