//! # xvpc-wire: the AWS protocols, and nothing else
//!
//! This crate turns HTTP requests into typed, protocol-level inputs and typed
//! outputs back into the exact bytes AWS sends. It knows four protocols:
//!
//! - **ec2Query** (EC2): form-encoded `Action`/`Version` parameters, flattened
//!   lists such as `Filter.1.Value.2`, XML responses with `<item>` lists and
//!   the `<Response><Errors>` error envelope ([`query`], [`xml`], [`envelope`]).
//! - **awsQuery** (ELBv2, STS): the same parameter encoding with
//!   `Name.member.N` lists, `<XxxResponse><XxxResult>` bodies and the
//!   `<ErrorResponse>` envelope.
//! - **restJson1** (RAM): JSON bodies, `x-amzn-ErrorType` errors.
//! - **SigV4** ([`sigv4`]): the credential scope names the service and region
//!   (every client shares one endpoint URL), the access key names the caller,
//!   and strict mode verifies the signature.
//!
//! The typed side: [`shapes`] holds one generated module per service (a
//! struct per input/output shape, an enum per string enum, an
//! [`Operation`] type per operation), decoded by [`query_input`] or
//! [`json_shape`] and serialized by [`xml_output`] or [`json_shape`], with
//! each protocol's errors for requests that do not fit ([`shape`]).
//!
//! Nothing here knows what a VPC is. Decoders never panic on any input; that
//! is pinned by property tests and a fuzz target.

pub mod envelope;
pub mod page;
pub mod error;
pub mod json_shape;
pub mod query;
pub mod query_input;
pub mod shape;
pub mod shapes;
pub mod sigv4;
pub mod timestamp;
pub mod xml;
pub mod xml_output;

pub use error::{ApiError, WireError};
pub use query::QueryParams;
pub use shape::{DecodeError, EnumShape, Operation, Protocol};
pub use timestamp::Timestamp;
pub use xml::XmlWriter;

/// An HTTP request as the protocols see it: no framework types leak in.
#[derive(Debug, Clone, Default)]
pub struct HttpRequest {
    pub method: String,
    /// Path without the query string, e.g. `/` or `/createresourceshare`.
    pub path: String,
    /// Raw query string (after `?`), still percent-encoded.
    pub query: String,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpRequest {
    /// First header with this (lower-case) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// An HTTP response ready to be written.
#[derive(Debug, Clone)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        HttpResponse {
            status,
            headers: vec![("content-type".into(), content_type.into())],
            body: body.into(),
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }
}
