//! RAM's invitations: what an account outside the owner's organization (or
//! any account while the organization does not share inside) receives for
//! each share naming it, and its answer. Kept apart from `ram` because an
//! invitation is the receiver's side of a share: it is listed and answered
//! by the receiving account, never the owner.

use serde::{Deserialize, Serialize};

use crate::error::{RamFault, Result};
use crate::ram::{err, AssociationStatus, ShareStatus};
use crate::state::{Changes, Ctx, State};

/// An invitation's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvitationStatus {
    Pending,
    Accepted,
    Rejected,
}

impl InvitationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            InvitationStatus::Pending => "PENDING",
            InvitationStatus::Accepted => "ACCEPTED",
            InvitationStatus::Rejected => "REJECTED",
        }
    }
}

/// An invitation to one external account to join one share. Its id is its
/// ARN; `owner` is the sender. One per (share, receiver): re-inviting a
/// principal reuses it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Invitation {
    pub id: String,
    pub owner: String,
    pub region: String,
    pub share_arn: String,
    pub receiver: String,
    pub status: InvitationStatus,
    pub created_at: i64,
}
crate::impl_owned!(Invitation);

/// The caller's invitation (as receiver), by ARN.
fn own_invitation<'a>(state: &'a State, ctx: &Ctx, arn: &str) -> Result<&'a Invitation> {
    if !arn.starts_with("arn:aws:ram:") || !arn.contains(":resource-share-invitation/") {
        return Err(err(RamFault::MalformedArn, format!("The specified invitation ARN {arn} is not valid. Verify the ARN and try again.")));
    }
    state
        .invitations
        .get(arn)
        .filter(|i| i.receiver == ctx.account && i.region == ctx.region)
        .ok_or_else(|| err(RamFault::InvitationArnNotFound, format!("ResourceShareInvitationArn {arn} could not be found.")))
}

/// Accepts (`accept`) or rejects an invitation. Accepting makes the
/// principal association ASSOCIATED: from then on the receiver sees and may
/// use the share's resources. Rejecting fails the association.
pub fn answer_invitation(state: &State, ctx: &Ctx, arn: &str, accept: bool) -> Result<(Changes, Invitation)> {
    let inv = own_invitation(state, ctx, arn)?;
    match inv.status {
        InvitationStatus::Accepted => return Err(err(RamFault::InvitationAlreadyAccepted, format!("The invitation {arn} has already been accepted."))),
        InvitationStatus::Rejected => return Err(err(RamFault::InvitationAlreadyRejected, format!("The invitation {arn} has already been rejected."))),
        InvitationStatus::Pending => {}
    }
    let mut share = state
        .resource_shares
        .get(&inv.share_arn)
        .filter(|s| s.status == ShareStatus::Active)
        .cloned()
        .ok_or_else(|| err(RamFault::InvitationArnNotFound, format!("ResourceShareInvitationArn {arn} could not be found.")))?;
    for p in share.principals.iter_mut().filter(|p| p.entity == ctx.account && p.status.is_live()) {
        p.status = if accept { AssociationStatus::Associated } else { AssociationStatus::Failed };
        p.message = (!accept).then(|| "The invitation was rejected by the principal.".to_string());
        p.updated_at = ctx.now;
    }
    let mut inv = inv.clone();
    inv.status = if accept { InvitationStatus::Accepted } else { InvitationStatus::Rejected };
    let mut ch = Changes::new();
    ch.put(share);
    ch.put(inv.clone());
    Ok((ch, inv))
}

/// Invitations the caller received (GetResourceShareInvitations).
pub fn received_invitations<'a>(state: &'a State, ctx: &Ctx) -> Vec<&'a Invitation> {
    state.invitations.values().filter(|i| i.receiver == ctx.account && i.region == ctx.region).collect()
}
