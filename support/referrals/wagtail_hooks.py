from wagtail import hooks
from wagtail.permissions import register_permission_policy

from support.referrals.models import Referral
from support.referrals.viewsets import ReferralPermissionPolicy

# Registered before the ViewSet is built: it reads the policy from the registry.
register_permission_policy(Referral, ReferralPermissionPolicy(Referral))


@hooks.register("register_admin_viewset")
def register_referral_viewset():
    from support.referrals.viewsets import ReferralViewSet

    return ReferralViewSet("referrals")
