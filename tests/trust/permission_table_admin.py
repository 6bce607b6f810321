"""The Django admin: forum admins with two-factor sign-in only; everyone else is sent to sign in."""

from django.contrib.auth.models import Group
from django.utils import timezone

from consultations.models import ConsultationEvent, LocalOfferComment, ReplyUpdate
from consultations.services import add_local_offer_comment
from forum_portal.audit.services import record_event
from forum_portal.notify.models import EmailOptOut, OutgoingEmail
from forum_portal.people.models import ConsentRecord, DataExport
from information.models import ArticleRevision, TopicSubscription
from participation.models import PopulationFigure
from participation.services import file_rep_report
from tests.factories.information import ContactFactory
from tests.factories.participation import ActivityFactory

from . import permission_table_coproduction
from .walker import FORBIDDEN, LOGIN, NOT_ALLOWED, NOT_FOUND, OK, admin_model, redirect, row


def build(world):
    """One row of every model the admin shows, for its change, history and delete pages.
    Runs after every other table's build, so their objects are there too."""
    Group.objects.create(name="Trust test group")
    ConsentRecord.objects.create(user=world.parent, purpose=ConsentRecord.Purpose.PRIVACY_NOTICE, given=True)
    export = DataExport.objects.create(user=world.parent, expires_at=timezone.now())
    OutgoingEmail.objects.create(
        kind="account",
        recipient=world.parent.email,
        user=world.parent,
        subject="Hello",
        body_text="Hello",
        dedupe_key="trust:admin-walk",
    )
    EmailOptOut.objects.create(email=world.parent.email, kind="trust_news")
    record_event("data_export.requested", actor=world.parent, obj=export)
    # Rows the rungs' services make along the way, which their tables' objects did not need.
    ArticleRevision.objects.create(article=world.guide, by=world.staff, action="published")
    TopicSubscription.objects.create(user=world.parent, topic=world.topic)
    ContactFactory(service=world.service)
    ConsultationEvent.objects.create(consultation=world.consultations["closed"], action="approved", by=world.staff)
    ReplyUpdate.objects.create(reply=world.reply_item.reply, item=world.reply_item, text="Started.", by=world.officer)
    add_local_offer_comment(
        world.local_offer, aspect=LocalOfferComment.Aspect.CONTENT, text="More evening clubs.", user=None
    )
    PopulationFigure.objects.create(dimension=PopulationFigure.Dimension.AREA, value="BS16", count=40)
    file_rep_report(world.seat, meeting_on=timezone.localdate(), took_in="a", decided="b", report_back="c")
    ActivityFactory(organisation=world.owning_organisation)
    permission_table_coproduction.build(world)


ROWS = [
    row("admin:index", admin=OK, others=LOGIN),
    row("admin:login", everyone=LOGIN),
    row("admin:logout", admin=NOT_ALLOWED, others=redirect("admin:index")),
    row("admin:password_change", admin=OK, others=LOGIN),
    row("admin:password_change_done", admin=OK, others=LOGIN),
    row("admin:autocomplete", admin=FORBIDDEN, others=LOGIN),
    row("admin:jsi18n", admin=OK, others=LOGIN),
    row(
        "admin:view_on_site",
        state="an organisation",
        kwargs=lambda world: {"content_type_id": "1", "object_id": str(world.owning_organisation.pk)},
        admin=NOT_FOUND,
        others=LOGIN,
    ),
    row("admin:app_list", state="the people app", kwargs=lambda world: {"app_label": "people"}, admin=OK, others=LOGIN),
    row(
        "admin/(?P<url>.*)$",
        state="an unknown admin page",
        path=lambda world: "/admin/no-such-page/",
        admin=NOT_FOUND,
        others=LOGIN,
    ),
    row(
        "admin:auth_user_password_change",
        state="the parent",
        kwargs=lambda world: {"id": str(world.parent.pk)},
        admin=OK,
        others=LOGIN,
    ),
    *admin_model("auth.group"),
    *admin_model("account.emailaddress"),
    *admin_model("mfa.authenticator"),
    # Accounts are deleted with the "delete the selected accounts" action, which keeps answers anonymised.
    *admin_model("people.user", delete=FORBIDDEN),
    *admin_model("people.organisation"),
    *admin_model("people.membership"),
    # A profile is made only by the person joining (they accept the privacy notice themself).
    *admin_model("people.parentcarerprofile", add=FORBIDDEN),
    # Consents are given and withdrawn by the member, never written by hand.
    *admin_model("people.consentrecord", add=FORBIDDEN),
    *admin_model("people.dataexport", add=FORBIDDEN),
    # Mail is queued by the portal only; the record that a message went out stays.
    *admin_model("notify.outgoingemail", add=FORBIDDEN, delete=FORBIDDEN),
    *admin_model("notify.emailoptout"),
    # The audit trail cannot be written or deleted by hand.
    *admin_model("audit.auditevent", add=FORBIDDEN, delete=FORBIDDEN),
    # The rungs' own models: forum admins may change and delete them all.
    *admin_model("information.topic", thorough=False),
    *admin_model("information.article", thorough=False),
    *admin_model("information.articlerevision", thorough=False),
    *admin_model("information.attachment", thorough=False),
    *admin_model("information.topicsubscription", thorough=False),
    *admin_model("information.taxonomy", thorough=False),
    *admin_model("information.taxonomyterm", thorough=False),
    *admin_model("information.serviceorganisation", thorough=False),
    *admin_model("information.service", thorough=False),
    *admin_model("information.location", thorough=False),
    *admin_model("information.contact", thorough=False),
    *admin_model("consultations.consultation", thorough=False),
    *admin_model("consultations.question", thorough=False),
    *admin_model("consultations.response", thorough=False),
    *admin_model("consultations.answer", thorough=False),
    *admin_model("consultations.theme", thorough=False),
    *admin_model("consultations.consultationevent", thorough=False),
    *admin_model("consultations.reply", thorough=False),
    *admin_model("consultations.replyitem", thorough=False),
    *admin_model("consultations.replyupdate", thorough=False),
    *admin_model("participation.event", thorough=False),
    *admin_model("participation.booking", thorough=False),
    *admin_model("participation.group", thorough=False),
    *admin_model("participation.groupmember", thorough=False),
    *admin_model("participation.opportunity", thorough=False),
    *admin_model("participation.interest", thorough=False),
    *admin_model("participation.repseat", thorough=False),
    *admin_model("participation.repreport", thorough=False),
    *admin_model("participation.activity", thorough=False),
    *admin_model("consultations.localoffercomment", thorough=False),
    *admin_model("participation.populationfigure", thorough=False),
    *permission_table_coproduction.ADMIN_ROWS,
]
