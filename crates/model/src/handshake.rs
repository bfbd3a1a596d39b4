//! Handshakes: how an existing account is invited into an organization
//! (InviteAccountToOrganization) and joins it (AcceptHandshake).
//!
//! AWS's rules (Organizations API reference): only the management account
//! invites; an account already in an organization cannot be invited
//! (`HandshakeConstraintViolationException`, ALREADY_IN_AN_ORGANIZATION);
//! one open invitation per account (`DuplicateHandshakeException`); an
//! open handshake expires after 15 days (its state is derived from the
//! clock); only the invited account accepts or declines, only the sender
//! cancels, and only an `OPEN` handshake changes
//! (`InvalidHandshakeTransitionException`). An invited account joins in the
//! root, without the access role CreateAccount makes.

use serde::{Deserialize, Serialize};

use crate::error::{OrgFault, Result};
use crate::ids::random_hex;
use crate::organization::{callers, check_account_id, err, managed, Joined, Member, REGION};
use crate::state::{Changes, Ctx, State};
use crate::tags::Tags;

/// How long an invitation stays open.
pub const OPEN_FOR_MS: i64 = 15 * 24 * 3600 * 1000;

/// A handshake's stored state; `Expired` is derived ([`Handshake::state`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum HandshakeState {
    Open,
    Accepted,
    Declined,
    Canceled,
    Expired,
}

impl HandshakeState {
    pub fn as_str(self) -> &'static str {
        match self {
            HandshakeState::Open => "OPEN",
            HandshakeState::Accepted => "ACCEPTED",
            HandshakeState::Declined => "DECLINED",
            HandshakeState::Canceled => "CANCELED",
            HandshakeState::Expired => "EXPIRED",
        }
    }
}

/// An invitation to join an organization. `owner` is the management account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Handshake {
    /// `h-` + 10.
    pub id: String,
    pub owner: String,
    pub region: String,
    pub organization_id: String,
    /// The invited account.
    pub target: String,
    pub state: HandshakeState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    pub requested_at: i64,
}
crate::impl_owned!(Handshake);

impl Handshake {
    pub fn arn(&self) -> String {
        format!("arn:aws:organizations::{}:handshake/{}/invite/{}", self.owner, self.organization_id, self.id)
    }

    pub fn expires_at(&self) -> i64 {
        self.requested_at + OPEN_FOR_MS
    }

    /// The state at `now`: an open handshake past its expiry is `EXPIRED`.
    pub fn state(&self, now: i64) -> HandshakeState {
        if self.state == HandshakeState::Open && now >= self.expires_at() {
            HandshakeState::Expired
        } else {
            self.state
        }
    }
}

/// InviteAccountToOrganization for an account id.
pub fn invite(state: &State, ctx: &Ctx, target: &str, notes: Option<String>) -> Result<(Changes, String)> {
    let org = managed(state, ctx)?;
    check_account_id(target)?;
    if state.org_members.contains_key(target) {
        return Err(err(OrgFault::HandshakeConstraintViolation, "The handshake request is invalid because the invited account is already a member of an organization (ALREADY_IN_AN_ORGANIZATION)."));
    }
    let open = state.handshakes.owned_by(&org.owner, REGION).any(|h| h.target == target && h.state(ctx.now) == HandshakeState::Open);
    if open {
        return Err(err(OrgFault::DuplicateHandshake, "A handshake with the same action and target already exists."));
    }
    let h = Handshake {
        id: format!("h-{}", random_hex(10)),
        owner: org.owner.clone(),
        region: REGION.into(),
        organization_id: org.id.clone(),
        target: target.into(),
        state: HandshakeState::Open,
        notes,
        requested_at: ctx.now,
    };
    let id = h.id.clone();
    let mut ch = Changes::new();
    ch.put(h);
    Ok((ch, id))
}

/// A handshake the caller is a party to (sender or target).
pub fn visible<'a>(state: &'a State, ctx: &Ctx, id: &str) -> Result<&'a Handshake> {
    state
        .handshakes
        .get(id)
        .filter(|h| h.owner == ctx.account || h.target == ctx.account)
        .ok_or_else(|| err(OrgFault::HandshakeNotFound, "We can't find a handshake with the HandshakeId that you specified."))
}

/// What a party does to an open handshake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Accept,
    Decline,
    Cancel,
}

/// Accept or decline (the invited account) or cancel (the sender).
pub fn answer(state: &State, ctx: &Ctx, id: &str, answer: Answer) -> Result<(Changes, Handshake)> {
    let h = visible(state, ctx, id)?;
    let allowed = match answer {
        Answer::Accept | Answer::Decline => h.target == ctx.account,
        Answer::Cancel => h.owner == ctx.account,
    };
    if !allowed {
        return Err(err(OrgFault::AccessDenied, "You don't have permissions to access this resource."));
    }
    if h.state(ctx.now) != HandshakeState::Open {
        return Err(err(OrgFault::InvalidHandshakeTransition, format!("You can't perform the operation on the handshake in its current state ({}).", h.state(ctx.now).as_str())));
    }
    let mut h = h.clone();
    let mut ch = Changes::new();
    h.state = match answer {
        Answer::Accept => {
            if state.org_members.contains_key(&ctx.account) {
                return Err(err(OrgFault::HandshakeConstraintViolation, "The handshake request is invalid because the invited account is already a member of an organization (ALREADY_IN_AN_ORGANIZATION)."));
            }
            let org = state
                .organizations
                .get(&h.organization_id)
                .ok_or_else(|| err(OrgFault::HandshakeNotFound, "We can't find a handshake with the HandshakeId that you specified."))?;
            ch.put(Member {
                id: ctx.account.clone(),
                owner: org.owner.clone(),
                region: REGION.into(),
                organization_id: org.id.clone(),
                parent_id: org.root_id.clone(),
                name: format!("account-{}", ctx.account),
                email: format!("{}@xvpc.example", ctx.account),
                joined: Joined::Invited,
                joined_at: ctx.now,
                tags: Tags::new(),
            });
            HandshakeState::Accepted
        }
        Answer::Decline => HandshakeState::Declined,
        Answer::Cancel => HandshakeState::Canceled,
    };
    ch.put(h.clone());
    Ok((ch, h))
}

/// ListHandshakesForAccount: the invitations the caller received.
pub fn for_account<'a>(state: &'a State, ctx: &Ctx) -> Vec<&'a Handshake> {
    state.handshakes.values().filter(|h| h.target == ctx.account).collect()
}

/// ListHandshakesForOrganization: the management account's invitations.
pub fn for_organization<'a>(state: &'a State, ctx: &Ctx) -> Result<Vec<&'a Handshake>> {
    let org = managed(state, ctx)?;
    Ok(state.handshakes.owned_by(&org.owner, REGION).filter(|h| h.organization_id == org.id).collect())
}

/// The organization a handshake invites into (for its resources).
pub fn organization_of<'a>(state: &'a State, ctx: &Ctx, h: &Handshake) -> Option<&'a crate::organization::Organization> {
    state.organizations.get(&h.organization_id).or_else(|| callers(state, ctx).ok())
}
