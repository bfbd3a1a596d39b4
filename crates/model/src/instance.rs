//! EC2 instances: placement, lifecycle and user data.

use std::net::Ipv4Addr;

use serde::{Deserialize, Serialize};

use crate::tags::Tags;

/// An instance's lifecycle state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InstanceState {
    Pending,
    Running,
    ShuttingDown,
    Terminated,
    Stopping,
    Stopped,
}

impl InstanceState {
    /// AWS's state name.
    pub fn name(self) -> &'static str {
        match self {
            InstanceState::Pending => "pending",
            InstanceState::Running => "running",
            InstanceState::ShuttingDown => "shutting-down",
            InstanceState::Terminated => "terminated",
            InstanceState::Stopping => "stopping",
            InstanceState::Stopped => "stopped",
        }
    }

    /// AWS's state code (the low byte of `InstanceState.Code`).
    pub fn code(self) -> i32 {
        match self {
            InstanceState::Pending => 0,
            InstanceState::Running => 16,
            InstanceState::ShuttingDown => 32,
            InstanceState::Terminated => 48,
            InstanceState::Stopping => 64,
            InstanceState::Stopped => 80,
        }
    }

    pub fn is_running(self) -> bool {
        self == InstanceState::Running
    }
}

/// An instance. Its network identity is its primary ENI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Instance {
    pub id: String,
    pub owner: String,
    pub region: String,
    pub reservation_id: String,
    pub image_id: String,
    pub instance_type: String,
    pub vpc_id: String,
    pub subnet_id: String,
    pub availability_zone: String,
    pub private_ip: Ipv4Addr,
    pub primary_eni: String,
    pub state: InstanceState,
    pub launch_time: i64,
    /// When the instance was terminated (it stays visible for a while).
    pub terminated_at: Option<i64>,
    /// Base64 user data as sent.
    pub user_data: Option<String>,
    pub key_name: Option<String>,
    pub client_token: Option<String>,
    pub tags: Tags,
}
crate::impl_owned!(Instance);
