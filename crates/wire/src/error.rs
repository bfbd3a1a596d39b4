//! Errors of the wire layer, and the protocol-neutral API error every layer
//! above renders through one of the envelopes.

use thiserror::Error;

/// A request that cannot be decoded at the protocol level.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum WireError {
    /// The form body or query string is not valid UTF-8 / urlencoding.
    #[error("malformed query string")]
    MalformedQueryString,
    /// A parameter holds a value of the wrong type (`true` expected, ...).
    #[error("Invalid value '{value}' for {name}")]
    InvalidValue { name: String, value: String },
    /// A required parameter is absent.
    #[error("The request must contain the parameter {0}")]
    MissingParameter(String),
    /// The JSON body of a restJson1 request does not parse.
    #[error("Could not parse request body into json: {0}")]
    MalformedJson(String),
    /// The Authorization header does not follow SigV4.
    #[error("Authorization header requires a valid Credential: {0}")]
    MalformedAuthorization(String),
}

/// An AWS error: code, message and HTTP status. Rendered by an envelope of
/// the service's protocol (see [`crate::envelope`]).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{code}: {message}")]
pub struct ApiError {
    pub code: String,
    pub message: String,
    pub status: u16,
}

impl ApiError {
    /// A client error (HTTP 400), the status of nearly every AWS error.
    pub fn client(code: &str, message: impl Into<String>) -> Self {
        ApiError { code: code.to_string(), message: message.into(), status: 400 }
    }

    pub fn with_status(mut self, status: u16) -> Self {
        self.status = status;
        self
    }

    /// Whether the error is the sender's fault (awsQuery's `<Type>`).
    pub fn is_sender(&self) -> bool {
        self.status < 500
    }
}

impl From<WireError> for ApiError {
    fn from(e: WireError) -> Self {
        match &e {
            WireError::MissingParameter(_) => ApiError::client("MissingParameter", e.to_string()),
            WireError::MalformedQueryString => ApiError::client("MalformedQueryString", e.to_string()),
            WireError::MalformedJson(_) => ApiError::client("SerializationException", e.to_string()),
            WireError::MalformedAuthorization(_) => {
                ApiError::client("IncompleteSignature", e.to_string())
            }
            WireError::InvalidValue { .. } => ApiError::client("InvalidParameterValue", e.to_string()),
        }
    }
}
