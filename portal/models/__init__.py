from portal.models.branches import Branch, BranchPostcodeRange
from portal.models.history import StatusChange
from portal.models.municipalities import Municipality
from portal.models.users import User
from portal.models.volunteers import (
    AVAILABILITY_CHOICES,
    LANGUAGE_CHOICES,
    DeletionRequest,
    Volunteer,
    VolunteerStatus,
    VolunteerStatusChange,
)

__all__ = [
    "AVAILABILITY_CHOICES",
    "LANGUAGE_CHOICES",
    "Branch",
    "BranchPostcodeRange",
    "DeletionRequest",
    "Municipality",
    "StatusChange",
    "User",
    "Volunteer",
    "VolunteerStatus",
    "VolunteerStatusChange",
]
