from .people import (
    ForumStaffFactory,
    MembershipFactory,
    OfficerFactory,
    OrganisationFactory,
    ParentCarerFactory,
    UserFactory,
    activate_totp,
)

__all__ = [
    "ForumStaffFactory",
    "MembershipFactory",
    "OfficerFactory",
    "OrganisationFactory",
    "ParentCarerFactory",
    "UserFactory",
    "activate_totp",
]
