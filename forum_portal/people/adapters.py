import uuid

from allauth.account.adapter import DefaultAccountAdapter

from forum_portal.notify.services import queue_email


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        """Account emails (confirm address, reset password, ...) go through the outbox like all mail."""
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
