//! What every generated shape module (`crate::shapes::*`) builds on: the
//! protocols, the operation trait, enum values, and the decoding errors each
//! protocol answers with.
//!
//! What AWS answers when a request does not fit the input shape differs per
//! protocol; [`DecodeError::to_api`] is the one place that says how:
//!
//! - **ec2Query** (EC2): an unrecognised parameter is `UnknownParameter`
//!   ("The parameter X is not recognized"), a missing required one
//!   `MissingParameter`, a wrong type or a value outside the enum
//!   `InvalidParameterValue`, all HTTP 400 (AWS's "Error codes for the Amazon
//!   EC2 API" page, common client errors).
//! - **awsQuery** (ELBv2, STS): these services validate with Coral's
//!   constraint messages: a missing required member is `ValidationError`
//!   "1 validation error detected: Value null at 'loadBalancerArn' failed to
//!   satisfy constraint: Member must not be null" (seen from ELB in
//!   chilts/awssum#124, from STS AssumeRole in aws/aws-sdk-cpp#1252), a
//!   value outside the enum or range is `ValidationError` "... failed to
//!   satisfy constraint: Member must satisfy enum value set: [...]"
//!   (kubernetes-sigs/aws-load-balancer-controller#4238 shows the same form
//!   for a range). A wrong type gets the same `ValidationError` form (not
//!   documented; inferred from the above). Unrecognised parameters are
//!   ignored: the Common Errors pages of ELBv2 and STS list no
//!   `UnknownParameter` (only EC2's error page does), and those services
//!   accept requests from newer clients that carry members they do not know.
//! - **restJson1** (RAM): a missing required member is RAM's
//!   `MissingRequiredParameterException` (RAM API reference, "Errors"); a
//!   body member of the wrong JSON type is `SerializationException`, HTTP 400
//!   (Smithy's restJson1 malformed-request protocol tests, e.g.
//!   RestJsonBodyMalformedListNullItem and MalformedInteger, which AWS's
//!   own server framework answers the same way); a value outside an enum is
//!   RAM's `InvalidParameterException` ("a parameter you specified isn't
//!   valid"). Unknown body members are ignored, as JSON deserializers of
//!   AWS services do for forward compatibility.

use crate::error::ApiError;

/// The wire protocol of a service, as botocore's `metadata.protocol` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// `ec2`: form parameters, flat lists (`Key.N`), `<item>` lists.
    Ec2Query,
    /// `query`: form parameters, `Key.member.N` lists, `<member>` lists.
    AwsQuery,
    /// `rest-json`: JSON bodies, members in the URI or query string.
    RestJson1,
    /// `json` (awsJson1.1): a JSON body, the operation in `X-Amz-Target`.
    AwsJson11,
}

/// One operation of a service: a zero-sized type per operation, generated.
pub trait Operation {
    /// The action name (`CreateVpc`).
    const NAME: &'static str;
    /// The service's protocol.
    const PROTOCOL: Protocol;
    /// The HTTP method and request URI the model binds it to.
    const HTTP: (&'static str, &'static str);
    /// The decoded request.
    type Input;
    /// What a handler returns and the serializer writes.
    type Output;
}

/// A string enum of a service model: the generated enums implement it.
pub trait EnumShape: Sized {
    /// Every value the model lists, in model order.
    const VALUES: &'static [&'static str];
    /// The value as AWS spells it.
    fn as_str(&self) -> &str;
    /// A value the model lists; `None` for anything else.
    fn parse(s: &str) -> Option<Self>;
}

/// The output of an operation whose model has none (awsQuery, restJson1):
/// an empty result element or `{}`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Empty;

/// The output of an EC2 operation whose model has none: EC2 answers
/// `<return>true</return>` (DeleteVpc, CreateTags, ...).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReturnTrue;

/// Why a request does not fit its operation's input shape. `key` is the
/// parameter as sent (`Filter.1.Name`, `Subnets.member.2`, `name`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// A parameter no member of the input shape reads.
    Unknown(String),
    /// A required member is absent (or an empty string).
    Missing(String),
    /// A value that does not parse as the member's type.
    BadValue { key: String, value: String, expected: &'static str },
    /// A value the member's enum does not list.
    BadEnum { key: String, value: String, allowed: &'static [&'static str] },
}

impl DecodeError {
    /// The error AWS answers with, for a service speaking `protocol`.
    pub fn to_api(&self, protocol: Protocol) -> ApiError {
        match protocol {
            Protocol::Ec2Query => match self {
                DecodeError::Unknown(k) => ApiError::client("UnknownParameter", format!("The parameter {k} is not recognized")),
                DecodeError::Missing(k) => ApiError::client("MissingParameter", format!("The request must contain the parameter {k}")),
                DecodeError::BadValue { key, value, expected } => {
                    ApiError::client("InvalidParameterValue", format!("Invalid value '{value}' for {key}: expected {expected}"))
                }
                DecodeError::BadEnum { key, value, allowed } => ApiError::client(
                    "InvalidParameterValue",
                    format!("Value ({value}) for parameter {} is invalid. Valid values: {}", lower_first(key), shown(allowed)),
                ),
            },
            Protocol::AwsQuery => {
                let constraint = |key: &str, value: Option<&str>, rule: String| {
                    let value = value.map_or("null".to_string(), |v| format!("'{v}'"));
                    ApiError::client(
                        "ValidationError",
                        format!("1 validation error detected: Value {value} at '{}' failed to satisfy constraint: {rule}", coral_path(key)),
                    )
                };
                match self {
                    DecodeError::Missing(k) => constraint(k, None, "Member must not be null".into()),
                    DecodeError::BadValue { key, value, expected } => constraint(key, Some(value), format!("Member must be {expected}")),
                    DecodeError::BadEnum { key, value, allowed } => {
                        constraint(key, Some(value), format!("Member must satisfy enum value set: [{}]", allowed.join(", ")))
                    }
                    // Not raised for awsQuery (unknown parameters are ignored);
                    // answered like AWS's generic malformed request if it were.
                    DecodeError::Unknown(k) => ApiError::client("InvalidQueryParameter", format!("The parameter {k} is not recognized")),
                }
            }
            Protocol::RestJson1 => match self {
                DecodeError::Missing(k) => {
                    ApiError::client("MissingRequiredParameterException", format!("The request must contain the parameter {k}."))
                }
                DecodeError::BadValue { key, value, expected } => {
                    ApiError::client("SerializationException", format!("Expected {expected} for {key}, got {value}"))
                }
                DecodeError::BadEnum { key, value, allowed } => ApiError::client(
                    "InvalidParameterException",
                    format!("The value '{value}' of {key} is not valid. Valid values: {}", shown(allowed)),
                ),
                DecodeError::Unknown(k) => ApiError::client("SerializationException", format!("Unknown member {k}")),
            },
            // CloudWatch Logs' validation answers.
            Protocol::AwsJson11 => match self {
                DecodeError::Missing(k) => ApiError::client(
                    "InvalidParameterException",
                    format!("1 validation error detected: Value null at '{}' failed to satisfy constraint: Member must not be null", lower_first(k)),
                ),
                DecodeError::BadValue { key, value, expected } => {
                    ApiError::client("SerializationException", format!("Expected {expected} for {key}, got {value}"))
                }
                DecodeError::BadEnum { key, value, allowed } => ApiError::client(
                    "InvalidParameterException",
                    format!("1 validation error detected: Value '{value}' at '{key}' failed to satisfy constraint: Member must satisfy enum value set: [{}]", shown(allowed)),
                ),
                DecodeError::Unknown(k) => ApiError::client("SerializationException", format!("Unknown member {k}")),
            },
        }
    }
}

/// At most a few enum values (InstanceType has over a thousand).
fn shown(allowed: &[&str]) -> String {
    let mut s = allowed.iter().take(12).copied().collect::<Vec<_>>().join(", ");
    if allowed.len() > 12 {
        s.push_str(", ...");
    }
    s
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_ascii_lowercase().to_string() + c.as_str()).unwrap_or_default()
}

/// Coral's path of a member: `DefaultActions.member.2.Type` is
/// `defaultActions.2.member.type`.
fn coral_path(key: &str) -> String {
    let parts: Vec<&str> = key.split('.').collect();
    let mut out: Vec<String> = Vec::with_capacity(parts.len());
    let mut i = 0;
    while i < parts.len() {
        if matches!(parts[i], "member" | "entry") && i + 1 < parts.len() {
            out.push(parts[i + 1].to_string());
            out.push(parts[i].to_string());
            i += 2;
        } else {
            out.push(lower_first(parts[i]));
            i += 1;
        }
    }
    out.join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_protocol_names_the_error_as_aws_does() {
        let unknown = DecodeError::Unknown("Filter.x.Name".into());
        let e = unknown.to_api(Protocol::Ec2Query);
        assert_eq!((e.code.as_str(), e.status, e.message.as_str()), ("UnknownParameter", 400, "The parameter Filter.x.Name is not recognized"));
        let missing = DecodeError::Missing("DefaultActions.member.2.Type".into());
        assert_eq!(missing.to_api(Protocol::Ec2Query).code, "MissingParameter");
        let e = missing.to_api(Protocol::AwsQuery);
        assert_eq!(e.code, "ValidationError");
        assert_eq!(e.message, "1 validation error detected: Value null at 'defaultActions.2.member.type' failed to satisfy constraint: Member must not be null");
        assert_eq!(missing.to_api(Protocol::RestJson1).code, "MissingRequiredParameterException");
        let bad = DecodeError::BadEnum { key: "Protocol".into(), value: "FOO".into(), allowed: &["TCP", "UDP"] };
        assert_eq!(bad.to_api(Protocol::Ec2Query).code, "InvalidParameterValue");
        assert!(bad.to_api(Protocol::AwsQuery).message.ends_with("Member must satisfy enum value set: [TCP, UDP]"));
        assert_eq!(bad.to_api(Protocol::RestJson1).code, "InvalidParameterException");
        let ty = DecodeError::BadValue { key: "maxResults".into(), value: "\"x\"".into(), expected: "an integer" };
        assert_eq!(ty.to_api(Protocol::RestJson1).code, "SerializationException");
        assert_eq!(ty.to_api(Protocol::AwsQuery).code, "ValidationError");
    }
}
