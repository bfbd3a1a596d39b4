//! DescribeVpcEndpointServices' rows: the services a consumer may connect
//! to, customers' ([`crate::endpoint_service`]) and AWS's own
//! ([`crate::aws_service`]), read through one interface so one filter
//! table and one response shape serve both.

use crate::aws_service::{self, AwsService, ServiceType};
use crate::endpoint_service::EndpointService;
use crate::filter::{one, Field, FilterTable};
use crate::state::{Ctx, State};
use crate::tags::Tags;

/// One service as a consumer sees it.
#[derive(Debug, Clone)]
pub enum Listed {
    /// A copy: rows of the filter table own their data.
    Customer(EndpointService),
    Aws(AwsService),
}

impl Listed {
    pub fn name(&self) -> &str {
        match self {
            Listed::Customer(s) => &s.name,
            Listed::Aws(a) => &a.name,
        }
    }

    pub fn id(&self) -> &str {
        match self {
            Listed::Customer(s) => &s.id,
            Listed::Aws(a) => &a.id,
        }
    }

    pub fn owner(&self) -> &str {
        match self {
            Listed::Customer(s) => &s.owner,
            Listed::Aws(_) => aws_service::OWNER,
        }
    }

    pub fn region(&self) -> &str {
        match self {
            Listed::Customer(s) => &s.region,
            Listed::Aws(a) => &a.region,
        }
    }

    pub fn service_type(&self) -> ServiceType {
        match self {
            Listed::Customer(_) => ServiceType::Interface,
            Listed::Aws(a) => a.service_type,
        }
    }

    /// The tags a consumer sees: only its own service's.
    pub fn tags_for(&self, ctx: &Ctx) -> Option<&Tags> {
        match self {
            Listed::Customer(s) => (s.owner == ctx.account).then_some(&s.tags),
            Listed::Aws(_) => None,
        }
    }

    /// (sort key) name, then Gateway before Interface.
    pub fn key(&self) -> String {
        format!("{}/{}", self.name(), self.service_type().as_str())
    }
}

/// The services of the caller's region it may connect to: its own and
/// the customers' that allow it, and AWS's, in name order.
pub fn visible(state: &State, ctx: &Ctx) -> Vec<Listed> {
    let mut out: Vec<Listed> = aws_service::in_region(&ctx.region).into_iter().map(Listed::Aws).collect();
    out.extend(state.endpoint_services.values().filter(|x| x.region == ctx.region && x.allows(&ctx.account)).cloned().map(Listed::Customer));
    out.sort_by_key(Listed::key);
    out
}

/// DescribeVpcEndpointServices' filters (a consumer's view: another
/// account's tags are not shown, so they match nothing).
pub const SERVICE_FILTERS: FilterTable<Listed> = FilterTable {
    tags: Some(|x, ctx| x.tags_for(ctx)),
    fields: &[
        ("owner", Field::Values(|x, _| one(x.owner()))),
        ("service-name", Field::Values(|x, _| one(x.name()))),
        ("service-region", Field::Values(|x, _| one(x.region()))),
        ("service-type", Field::Values(|x, _| one(x.service_type()))),
        ("supported-ip-address-types", Field::Values(|_, _| one("ipv4"))),
    ],
};
