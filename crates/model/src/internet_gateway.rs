//! Internet gateways: attached to at most one VPC.

use serde::{Deserialize, Serialize};

use crate::tags::Tags;

/// An internet gateway.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InternetGateway {
    pub id: String,
    pub owner: String,
    pub region: String,
    pub attached_vpc: Option<String>,
    pub tags: Tags,
}
crate::impl_owned!(InternetGateway);
