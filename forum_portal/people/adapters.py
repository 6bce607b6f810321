import uuid

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings

from forum_portal.notify.services import queue_email

INCORRECT_CODE = "That code is not right. Enter the 6-digit code your authenticator app shows now."


class AccountAdapter(DefaultAccountAdapter):
    # Plainer words for the messages people meet most.
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": "The email address or password is not right. Check them and try again.",
        "email_taken": "There is already an account with this email address. Sign in, or reset your password.",
        "enter_current_password": "That is not your current password. Enter the password you sign in with now.",
        "incorrect_code": INCORRECT_CODE,
        "incorrect_password": "That password is not right",
        "invalid_or_expired_key": "This link has expired or is not valid",
        "invalid_password_reset": "This password reset link has expired or is not valid",
        "too_many_login_attempts": (
            "Too many failed attempts to sign in. Wait 5 minutes and try again, or reset your password."
        ),
        "rate_limited": "Too many requests in a short time. Wait a minute and try again.",
    }

    def send_mail(self, template_prefix, email, context):
        """Account emails (confirm address, reset password, ...) go through the outbox like all mail.

        They use the portal's own wording (templates/account/email/, templates/mfa/email/), in
        plain text and HTML, signed with the forum's name.
        """
        context = {**context, "forum_name": settings.FORUM_NAME, "site_url": settings.SITE_URL}
        message = self.render_mail(template_prefix, email, context)
        html = next((content for content, mimetype in message.alternatives if mimetype == "text/html"), "")
        queue_email(
            kind="account",
            to=email,
            subject=message.subject,
            body_text=message.body,
            body_html=html,
            # Each account email is its own message: a second "resend the link" is a new email.
            dedupe_key=f"account:{template_prefix}:{uuid.uuid4()}",
        )


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {**DefaultMFAAdapter.error_messages, "incorrect_code": INCORRECT_CODE}
