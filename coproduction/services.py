"""Changes to co-production projects. Each function records who made the change in the project's
activity, so the team can always see who did what and when."""

from datetime import date, timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from forum_portal.audit.services import record_event
from forum_portal.markdown import render_markdown
from forum_portal.notify.services import queue_email
from forum_portal.people.models import Organisation, User
from forum_portal.people.rules import is_forum_staff, is_officer, is_parent_carer
from participation.models import Activity as ParticipationActivity
from participation.models import LadderStep
from participation.services import log_activity

from .models import (
    INVITATION_DAYS,
    Action,
    Activity,
    AgendaItem,
    CornerstonesRating,
    Decision,
    Document,
    DocumentComment,
    DocumentVersion,
    Invitation,
    Meeting,
    Project,
    Side,
    SignOff,
    TeamMember,
)
from .rules import forget_cached_membership
from .selectors import actions_to_remind


class EditConflict(Exception):
    """Someone saved a newer version while this person was editing."""

    def __init__(self, latest: DocumentVersion):
        super().__init__(f"Version {latest.number} was saved while you were editing.")
        self.latest = latest


def _log(project: Project, summary: str, *, member: TeamMember | None = None, actor=None) -> Activity:
    if member is None and actor is not None:
        member = TeamMember.objects.current().filter(project=project, user=actor).first()
    return Activity.objects.create(
        project=project, member=member, actor=actor or (member.user if member else None), summary=summary[:300]
    )


def record_admin_change(project: Project, *, by, summary: str, event: str | None = None) -> Activity:
    """A change a forum admin made in the Django admin, recorded in the project's activity like a
    change on the portal's pages (and in the audit trail when ``event`` names one)."""
    activity = _log(project, summary, actor=by)
    if event:
        record_event(event, actor=by, obj=project, visibility=project.visibility)
    return activity


# --- Projects and teams -----------------------------------------------------------------------------


def _unique_slug(title: str) -> str:
    base = slugify(title)[:70] or "project"
    slug, n = base, 2
    # "new" and "invitations" are pages of their own under /coproduction/.
    while slug in ("new", "invitations") or Project.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def create_project(
    *,
    title: str,
    aims: str,
    by,
    visibility: str = Project.Visibility.TEAM,
    ladder_step: str = Project.Step.COPRODUCING,
    parent_share_threshold: int = 33,
    partners=(),
) -> Project:
    """A new project with no team yet; forum staff then add both sides."""
    project = Project.objects.create(
        title=title,
        slug=_unique_slug(title),
        aims=aims,
        aims_html=render_markdown(aims),
        visibility=visibility,
        ladder_step=ladder_step,
        parent_share_threshold=parent_share_threshold,
        created_by=by,
    )
    project.partners.set(partners)
    _log(project, "set up the project", actor=by)
    record_event("coproduction.project_created", actor=by, obj=project)
    return project


@transaction.atomic
def update_project(
    project: Project,
    *,
    by,
    title: str,
    aims: str,
    visibility: str,
    ladder_step: str,
    parent_share_threshold: int,
    partners=(),
) -> Project:
    """Change the project's description. Making it public or private is recorded in the audit trail."""
    was_public = project.is_public
    project.title = title
    project.aims = aims
    project.aims_html = render_markdown(aims)
    project.visibility = visibility
    project.ladder_step = ladder_step
    project.parent_share_threshold = parent_share_threshold
    project.save()
    project.partners.set(partners)
    _log(project, "changed the project's details", actor=by)
    if was_public != project.is_public:
        record_event("coproduction.visibility_changed", actor=by, obj=project, visibility=project.visibility)
    return project


def _check_side(user, side: str) -> None:
    if side == Side.PARENT_CARER and not is_parent_carer(user):
        raise ValidationError("Only a member of the forum can join on the parent carer side.", code="not_parent_carer")
    if side == Side.PROFESSIONAL and not (is_officer(user) or is_forum_staff(user)):
        raise ValidationError(
            "Only someone who works for a partner organisation or the forum can join on the professional side.",
            code="not_professional",
        )


def _join_team(project: Project, *, user, side: str, is_lead: bool) -> TeamMember:
    """Put a person on the team, on one side. Someone who left before comes back on the same row."""
    _check_side(user, side)
    member = TeamMember.objects.select_for_update().filter(project=project, user=user).first()
    if member is not None and member.is_current:
        raise ValidationError("This person is already on the team.", code="already_member")
    if member is None:
        member = TeamMember(project=project, user=user)
    member.side = side
    member.is_lead = is_lead
    member.left_at = None
    member.joined_at = timezone.now()
    member.save()
    forget_cached_membership(user)
    return member


@transaction.atomic
def add_team_member(project: Project, *, user, side: str, is_lead: bool = False, by) -> TeamMember:
    """Put a person straight on the team, telling them by email. The portal's pages invite people
    instead (``invite_to_team``); this is for setting up demo and test data, and for acceptance."""
    member = _join_team(project, user=user, side=side, is_lead=is_lead)
    role = "lead" if is_lead else "member"
    _log(project, f"added a {member.get_side_display().lower()} {role} to the team", actor=by)
    if user.pk != getattr(by, "pk", None):
        queue_email(
            kind="coproduction_team",
            to=user,
            dedupe_key=f"coproduction:team-added:{member.pk}:{member.joined_at.isoformat()}",
            template="coproduction_team_added",
            context={"project": project, "member": member},
        )
    record_event("coproduction.team_member_added", actor=by, obj=project, side=side, lead=is_lead)
    return member


# --- Invitations -------------------------------------------------------------------------------------


@transaction.atomic
def invite_to_team(project: Project, *, email: str, side: str, is_lead: bool = False, by) -> Invitation:
    """Invite a person, by email address, to join the team on one side; they are emailed a link
    (``invitation.sent`` is the queued email, or None if they have switched these emails off).

    Nobody is on the team until they accept. A person already on the team, or with an invitation
    still waiting, is not invited again. An existing account that could never join the
    professional side is refused now; the parent carer side is checked on acceptance, since a
    person can join the forum after being invited.
    """
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is not None:
        if TeamMember.objects.current().filter(project=project, user=user).exists():
            raise ValidationError("This person is already on the team.", code="already_member")
        if side == Side.PROFESSIONAL:
            _check_side(user, side)
    now = timezone.now()
    # An invitation that ran out makes way for a new one.
    Invitation.objects.waiting().filter(project=project, email=email, expires_at__lte=now).update(
        status=Invitation.Status.EXPIRED, answered_at=now
    )
    already = ValidationError("This person already has an invitation waiting.", code="already_invited")
    if Invitation.objects.waiting().filter(project=project, email=email).exists():
        raise already
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                project=project,
                email=email,
                side=side,
                is_lead=is_lead,
                invited_by=by,
                invited_at=now,
                expires_at=now + timedelta(days=INVITATION_DAYS),
            )
    except IntegrityError:  # the same person invited at the same moment by someone else
        raise already from None
    role = "lead" if is_lead else "member"
    _log(project, f"invited a {invitation.get_side_display().lower()} {role} to the team", actor=by)
    invitation.sent = queue_email(
        kind="coproduction_invitation",
        to=user or email,
        dedupe_key=f"coproduction:invitation:{invitation.pk}",
        template="coproduction_invitation",
        context={"invitation": invitation, "project": project, "has_account": user is not None},
    )
    record_event("coproduction.invitation_sent", actor=by, obj=project, side=side, lead=is_lead)
    return invitation


def _open_invitation(invitation: Invitation) -> Invitation:
    """The invitation, locked, if it can still be answered."""
    invitation = Invitation.objects.select_for_update().select_related("project").get(pk=invitation.pk)
    if invitation.status != Invitation.Status.PENDING:
        raise ValidationError(
            f"This invitation has been {invitation.get_status_display().lower()} already.", code="answered"
        )
    if invitation.has_run_out():
        raise ValidationError(
            "This invitation has run out. Ask the person who invited you to send a new one.", code="run_out"
        )
    return invitation


def has_verified_address(user, email: str) -> bool:
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


@transaction.atomic
def accept_invitation(invitation: Invitation, *, user) -> TeamMember:
    """The invited person joins the team, on the side and as the lead or member they were invited
    as. Only an account holding the invited address, verified, may accept, and only while the
    invitation is waiting and has not run out."""
    invitation = _open_invitation(invitation)
    if not has_verified_address(user, invitation.email):
        raise ValidationError(
            f"This invitation was sent to {invitation.email}. Sign in with that address to accept it.",
            code="other_address",
        )
    member = _join_team(invitation.project, user=user, side=invitation.side, is_lead=invitation.is_lead)
    invitation.status = Invitation.Status.ACCEPTED
    invitation.answered_at = timezone.now()
    invitation.member = member
    invitation.save(update_fields=["status", "answered_at", "member"])
    role = ", as a lead" if invitation.is_lead else ""
    _log(
        invitation.project,
        f"joined the team ({member.get_side_display().lower()}{role}) on an invitation",
        member=member,
    )
    record_event("coproduction.invitation_accepted", actor=user, obj=invitation.project, side=member.side)
    return member


@transaction.atomic
def decline_invitation(invitation: Invitation) -> Invitation:
    """The invited person says no. Whoever holds the link may decline, signed in or not: nobody
    should need an account to turn an invitation down. The activity does not name them."""
    invitation = _open_invitation(invitation)
    invitation.status = Invitation.Status.DECLINED
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["status", "answered_at"])
    _log(invitation.project, f"declined an invitation to the {invitation.get_side_display().lower()} side")
    return invitation


@transaction.atomic
def withdraw_invitation(invitation: Invitation, *, by) -> Invitation:
    """A lead or forum staff take back an invitation nobody has answered, run out or not."""
    invitation = Invitation.objects.select_for_update().select_related("project").get(pk=invitation.pk)
    if invitation.status != Invitation.Status.PENDING:
        raise ValidationError("This invitation has been answered already.", code="answered")
    invitation.status = Invitation.Status.WITHDRAWN
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["status", "answered_at"])
    _log(invitation.project, f"withdrew an invitation to the {invitation.get_side_display().lower()} side", actor=by)
    record_event("coproduction.invitation_withdrawn", actor=by, obj=invitation.project)
    return invitation


@transaction.atomic
def set_team_lead(member: TeamMember, *, is_lead: bool, by) -> TeamMember:
    member = TeamMember.objects.select_for_update().get(pk=member.pk)
    if not member.is_current:
        raise ValidationError("This person is no longer on the team.", code="not_member")
    member.is_lead = is_lead
    member.save(update_fields=["is_lead"])
    forget_cached_membership(member.user)
    what = "made" if is_lead else "stood down"
    _log(member.project, f"{what} a {member.get_side_display().lower()} lead", actor=by)
    record_event("coproduction.team_lead_changed", actor=by, obj=member.project, lead=is_lead)
    return member


@transaction.atomic
def remove_team_member(member: TeamMember, *, by) -> TeamMember:
    """Take a person off the team (or let them leave). What they contributed stays."""
    member = TeamMember.objects.select_for_update().get(pk=member.pk)
    if not member.is_current:
        return member
    leaving = member.user_id == getattr(by, "pk", None)
    member.left_at = timezone.now()
    member.is_lead = False
    member.save(update_fields=["left_at", "is_lead"])
    forget_cached_membership(member.user)
    side = member.get_side_display().lower()
    _log(member.project, f"left the team ({side})" if leaving else f"took a {side} off the team", actor=by)
    record_event("coproduction.team_member_removed", actor=by, obj=member.project, left=leaving)
    return member


@transaction.atomic
def set_show_name(member: TeamMember, *, show: bool) -> TeamMember:
    """The person's own choice whether their name appears on the public summary. It changes what
    the public reads, so it is recorded like any other change."""
    if member.show_name == show:
        return member
    member.show_name = show
    member.save(update_fields=["show_name"])
    _log(
        member.project,
        "agreed to be named on the public summary" if show else "asked not to be named on the public summary",
        member=member,
    )
    return member


# --- Agenda ----------------------------------------------------------------------------------------


@transaction.atomic
def propose_agenda_item(project: Project, *, by: TeamMember, title: str, description: str = "") -> AgendaItem:
    item = AgendaItem.objects.create(project=project, title=title, description=description, proposed_by=by)
    _log(project, f"proposed an agenda item: {title}", member=by)
    return item


@transaction.atomic
def agree_agenda_item(item: AgendaItem, *, by: TeamMember) -> AgendaItem:
    """A lead agrees an item for their side. Once both sides' leads have, it is on the agenda."""
    if not by.is_lead or not by.is_current:
        raise ValidationError("Only a lead can agree an agenda item.", code="not_lead")
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    if item.status == AgendaItem.Status.AGREED:
        return item
    if item.status == AgendaItem.Status.PARKED:
        # Agreeing a parked item brings it back as a proposal; it still needs the other side.
        item.status = AgendaItem.Status.PROPOSED
        item.parked_reason = ""
        item.parked_by = None
    if by.side == Side.PARENT_CARER:
        item.agreed_by_parent_lead = by
    else:
        item.agreed_by_professional_lead = by
    if item.agreed_by_parent_lead_id and item.agreed_by_professional_lead_id:
        item.status = AgendaItem.Status.AGREED
    item.changed_at = timezone.now()
    item.save()
    summary = "agreed an agenda item" + (", now on the agenda" if item.status == AgendaItem.Status.AGREED else "")
    _log(item.project, f"{summary}: {item.title}", member=by)
    return item


# An item can be parked while it waits for the leads or once it is on the agenda (a lead may take
# it off again, say when events overtake it); a parked item is brought back by agreeing it.
PARKABLE = {AgendaItem.Status.PROPOSED, AgendaItem.Status.AGREED}


@transaction.atomic
def park_agenda_item(item: AgendaItem, *, by: TeamMember, reason: str) -> AgendaItem:
    """A current lead parks a proposed or agreed item, saying why. Agreement given so far is
    withdrawn with it: it has to be agreed by both sides again. The reason is kept on the item and
    in the project's activity, so taking an item off the agenda is never silent."""
    if not by.is_lead or not by.is_current:
        raise ValidationError("Only a lead can park an agenda item.", code="not_lead")
    if not reason.strip():
        raise ValidationError("Say why the item is parked.", code="no_reason")
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    if item.project_id != by.project_id:
        raise ValidationError("Only a lead of this project can park its items.", code="not_lead")
    if item.status not in PARKABLE:
        raise ValidationError("This item is already parked.", code="already_parked")
    was_agreed = item.status == AgendaItem.Status.AGREED
    item.status = AgendaItem.Status.PARKED
    item.parked_reason = reason.strip()
    item.parked_by = by
    item.agreed_by_parent_lead = None
    item.agreed_by_professional_lead = None
    item.changed_at = timezone.now()
    item.save()
    what = "took an item off the agenda and parked it" if was_agreed else "parked an agenda item"
    _log(item.project, f"{what}: {item.title}. Reason: {item.parked_reason}", member=by)
    return item


# --- Meetings, decisions and actions ---------------------------------------------------------------


@transaction.atomic
def record_meeting(
    project: Project, *, by: TeamMember, title: str, held_on: date, agenda_items=(), attendees=()
) -> Meeting:
    """A meeting with the agreed items it discussed and the team members who came."""
    if any(item.project_id != project.pk or item.status != AgendaItem.Status.AGREED for item in agenda_items):
        raise ValidationError("A meeting discusses only items both leads have agreed.", code="not_agreed")
    if any(member.project_id != project.pk for member in attendees):
        raise ValidationError("Only team members can be recorded as present.", code="not_member")
    meeting = Meeting.objects.create(project=project, title=title, held_on=held_on, recorded_by=by)
    meeting.agenda.set(agenda_items)
    meeting.attendees.set(attendees)
    _log(project, f"recorded a meeting: {title}", member=by)
    log_meeting_in_participation_log(meeting, by=by)
    return meeting


@transaction.atomic
def log_meeting_in_participation_log(meeting: Meeting, *, by: TeamMember) -> ParticipationActivity | None:
    """Put the meeting in the forum's participation log, once: co-production, by the forum, with
    the parent carers present counted and named. The meeting keeps the entry, so a second call
    changes nothing. Without a forum organisation (a portal not yet set up) there is nothing to
    log it against, and nothing is logged."""
    meeting = Meeting.objects.select_for_update().select_related("project").get(pk=meeting.pk)
    if meeting.participation_activity_id is not None:
        return meeting.participation_activity
    forum = Organisation.objects.filter(kind=Organisation.Kind.FORUM).first()
    if forum is None:
        return None
    parent_carers = list(meeting.attendees.filter(side=Side.PARENT_CARER).select_related("user"))
    activity = log_activity(
        title=f"{meeting.project.title}: {meeting.title}"[:200],
        kind=ParticipationActivity.Kind.COPRODUCTION_MEETING,
        happened_on=meeting.held_on,
        organisation=forum,
        ladder_step=LadderStep.COPRODUCTION,
        parent_carers_involved=len(parent_carers),
        # A meeting records no length; the log's hours stay 0 until staff correct the entry.
        hours=Decimal("0"),
        by=by.user,
        participants=[member.user for member in parent_carers if member.user_id],
    )
    meeting.participation_activity = activity
    meeting.save(update_fields=["participation_activity"])
    return activity


@transaction.atomic
def record_decision(
    project: Project,
    *,
    by: TeamMember,
    text: str,
    agreed_by,
    meeting: Meeting | None = None,
    dissent: str = "",
    decided_on: date | None = None,
) -> Decision:
    """A decision names who agreed it; dissent, if any, is kept beside it."""
    agreed_by = list(agreed_by)
    if not agreed_by:
        raise ValidationError("Choose who agreed the decision.", code="nobody_agreed")
    if any(member.project_id != project.pk for member in agreed_by):
        raise ValidationError("Only team members can agree a decision.", code="not_member")
    if meeting is not None and meeting.project_id != project.pk:
        raise ValidationError("Choose one of this project's meetings.", code="other_project")
    decision = Decision.objects.create(
        project=project,
        meeting=meeting,
        text=text,
        dissent=dissent,
        recorded_by=by,
        decided_on=decided_on or (meeting.held_on if meeting else timezone.localdate()),
    )
    decision.agreed_by.set(agreed_by)
    _log(project, "recorded a decision", member=by)
    return decision


def _tell_owner(action: Action, *, by: TeamMember) -> None:
    if action.owner.user_id and action.owner.user_id != by.user_id:
        queue_email(
            kind="coproduction_actions",
            to=action.owner.user,
            # Once per action and owner: handing it to someone new tells them.
            dedupe_key=f"coproduction:action-assigned:{action.pk}:{action.owner_id}",
            template="coproduction_action_assigned",
            context={"action": action, "project": action.project, "assigned_by": by},
        )


def _check_owner(project_id: int, owner: TeamMember) -> None:
    # Read again: the row passed in may be from before the person left.
    if not TeamMember.objects.current().filter(pk=owner.pk, project_id=project_id).exists():
        raise ValidationError("The owner must be on the team.", code="not_member")


@transaction.atomic
def add_action(
    project: Project,
    *,
    by: TeamMember,
    description: str,
    owner: TeamMember,
    due_on: date,
    decision: Decision | None = None,
) -> Action:
    """An action for one team member, on either side. The owner is told by email."""
    _check_owner(project.pk, owner)
    action = Action.objects.create(
        project=project, decision=decision, description=description, owner=owner, due_on=due_on, created_by=by
    )
    _log(project, f"added an action: {description[:200]}", member=by)
    _tell_owner(action, by=by)
    return action


@transaction.atomic
def change_action(
    action: Action, *, by: TeamMember, description: str, owner: TeamMember, due_on: date, status: str
) -> Action:
    """Anyone on the team changes an action: what it is, who owns it, when it is due, whether it
    is done. A new owner is told by email. Reminders go once per due date, so a new due date can
    be reminded again once it passes. Reopening a done action clears when and by whom it was done.
    """
    action = Action.objects.select_for_update().select_related("project").get(pk=action.pk)
    _check_owner(action.project_id, owner)
    if status not in Action.Status.values:
        raise ValidationError("Choose whether the action is done.", code="bad_status")
    changes = []
    if description != action.description:
        changes.append("description")
    if owner.pk != action.owner_id:
        changes.append("owner")
    if due_on != action.due_on:
        changes.append(f"due by {due_on:%-d %b %Y}")
    if status != action.status:
        changes.append("done" if status == Action.Status.DONE else "reopened")
    if not changes:
        return action
    new_owner = owner.pk != action.owner_id
    action.description, action.owner, action.due_on = description, owner, due_on
    if status != action.status:
        action.status = status
        done = status == Action.Status.DONE
        action.done_at, action.done_by = (timezone.now(), by) if done else (None, None)
    action.save()
    _log(action.project, f"changed an action ({', '.join(changes)}): {description[:200]}", member=by)
    if new_owner:
        _tell_owner(action, by=by)
    return action


@transaction.atomic
def complete_action(action: Action, *, by: TeamMember) -> Action:
    action = Action.objects.select_for_update().get(pk=action.pk)
    if action.status == Action.Status.DONE:
        return action
    action.status = Action.Status.DONE
    action.done_at = timezone.now()
    action.done_by = by
    action.save(update_fields=["status", "done_at", "done_by"])
    _log(action.project, f"marked an action done: {action.description[:200]}", member=by)
    return action


def overdue_reminder_key(action: Action) -> str:
    return f"coproduction:action-overdue:{action.pk}:{action.due_on.isoformat()}"


def send_overdue_action_reminders(*, today: date | None = None) -> int:
    """Remind each owner of an overdue action, once per due date (so moving the date reminds again).

    Actions already reminded for their due date are left out by the query (``actions_to_remind``),
    so a daily run renders mail only for what is new, however many old actions stay overdue."""
    today = today or timezone.localdate()
    queued = 0
    for action in actions_to_remind(today):
        email = queue_email(
            kind="coproduction_actions",
            to=action.owner.user,
            dedupe_key=overdue_reminder_key(action),
            template="coproduction_action_overdue",
            context={"action": action, "project": action.project},
        )
        queued += email is not None
    return queued


# --- Documents -------------------------------------------------------------------------------------


@transaction.atomic
def start_document(project: Project, *, by: TeamMember, title: str, body: str) -> Document:
    document = Document.objects.create(project=project, title=title)
    _add_version(document, by=by, body=body, number=1)
    _log(project, f"started a document: {title}", member=by)
    return document


def _add_version(document: Document, *, by: TeamMember, body: str, number: int) -> DocumentVersion:
    version = DocumentVersion.objects.create(
        document=document, number=number, body=body, body_html=render_markdown(body), author=by
    )
    document.latest_version = version
    document.is_coproduced = False
    document.save(update_fields=["latest_version", "is_coproduced"])
    return version


@transaction.atomic
def save_document_version(document: Document, *, by: TeamMember, body: str, based_on: int) -> DocumentVersion:
    """Save a new version written from version ``based_on``.

    If someone saved a newer version in the meantime, nothing is saved and ``EditConflict`` carries
    the newer version, so the writer can see both texts and merge them: no one's work is lost.
    A new version clears the sign-offs: it has to be signed off again.
    """
    # Lock the document alone, then read its latest version in a query of its own: a join taken
    # with the lock would show the version from before a save the lock had to wait for.
    document = Document.objects.select_for_update().get(pk=document.pk)
    latest = DocumentVersion.objects.get(pk=document.latest_version_id)
    if latest.number != based_on:
        raise EditConflict(latest)
    version = _add_version(document, by=by, body=body, number=latest.number + 1)
    _log(document.project, f"saved version {version.number} of {document.title}", member=by)
    return version


@transaction.atomic
def sign_off_version(version: DocumentVersion, *, by: TeamMember) -> SignOff:
    """A lead signs off the latest version. With a parent-carer lead's and a professional lead's
    sign-off on the same version, the document is co-produced."""
    if not by.is_lead or not by.is_current:
        raise ValidationError("Only a lead can sign off a document.", code="not_lead")
    document = Document.objects.select_for_update().get(pk=version.document_id)
    if document.latest_version_id != version.pk:
        raise ValidationError("A newer version has been saved. Read it before you sign off.", code="not_latest")
    sign_off, created = SignOff.objects.get_or_create(version=version, member=by, defaults={"side": by.side})
    sides = set(version.sign_offs.values_list("side", flat=True))
    document.is_coproduced = sides == {Side.PARENT_CARER, Side.PROFESSIONAL}
    document.save(update_fields=["is_coproduced"])
    if created:
        _log(document.project, f"signed off version {version.number} of {document.title}", member=by)
    return sign_off


@transaction.atomic
def comment_on_version(version: DocumentVersion, *, by: TeamMember, text: str) -> DocumentComment:
    comment = DocumentComment.objects.create(version=version, author=by, text=text)
    _log(version.document.project, f"commented on version {version.number} of {version.document.title}", member=by)
    return comment


# --- Four Cornerstones check -------------------------------------------------------------------------


@transaction.atomic
def rate_project(
    project: Project, *, by: TeamMember, welcome: int, value: int, communicate: int, partnership: int,
    comment: str = "", today: date | None = None,
) -> CornerstonesRating:  # fmt: skip
    """Record this month's rating by one team member, replacing one they gave earlier this month."""
    period = (today or timezone.localdate()).replace(day=1)
    rating, _ = CornerstonesRating.objects.update_or_create(
        member=by,
        period=period,
        defaults={
            "project": project,
            "side": by.side,
            "welcome": welcome,
            "value": value,
            "communicate": communicate,
            "partnership": partnership,
            "comment": comment,
            "rated_at": timezone.now(),
        },
    )
    _log(project, "gave the project a Four Cornerstones rating", member=by)
    return rating
