//! Errors of the template engine, with AWS's wording.

use std::fmt;

/// What went wrong, so the stack engine can choose the answer: a
/// `ValidationError` of the API call (template, parameters), or a failed
/// resource event during a deployment (resolution, properties).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The template itself is malformed ("Template format error: ...").
    Format,
    /// A parameter value or its declaration ("Parameters: [X] must have values").
    Parameter,
    /// An intrinsic function could not be evaluated ("Template error: ...").
    Template,
    /// A resource's properties do not match its type's schema
    /// ("Encountered unsupported property X").
    Properties,
}

/// An error AWS CloudFormation would report; `message` is AWS's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    /// Which family of error this is.
    pub kind: ErrorKind,
    /// The message as AWS words it.
    pub message: String,
}

impl TemplateError {
    /// "Template format error: {detail}".
    pub fn format(detail: impl fmt::Display) -> Self {
        Self { kind: ErrorKind::Format, message: format!("Template format error: {detail}") }
    }
    /// A parameter error, worded by the caller.
    pub fn parameter(message: impl Into<String>) -> Self {
        Self { kind: ErrorKind::Parameter, message: message.into() }
    }
    /// "Template error: {detail}" (evaluation of an intrinsic function).
    pub fn template(detail: impl fmt::Display) -> Self {
        Self { kind: ErrorKind::Template, message: format!("Template error: {detail}") }
    }
    /// A property validation error, worded by the caller.
    pub fn properties(message: impl Into<String>) -> Self {
        Self { kind: ErrorKind::Properties, message: message.into() }
    }
    /// An error with no prefix (AWS words a few that way, e.g. cycles).
    pub fn plain(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self { kind, message: message.into() }
    }
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TemplateError {}

/// Result of the template engine.
pub type Result<T, E = TemplateError> = std::result::Result<T, E>;
