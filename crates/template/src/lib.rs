//! The CloudFormation template engine: pure, no HTTP, SQL or model.
//!
//! - [`Template::parse`] reads a JSON or YAML body (short-form tags
//!   included) and checks it as ValidateTemplate does.
//! - [`resolve_parameters`] turns what the caller gives into [`Params`]
//!   (types, constraints, `NoEcho`, Systems Manager values, pseudo parameters).
//! - [`Template::bind`] evaluates the conditions; the [`Bound`] template gives
//!   the creation order and resolves each resource's properties and the
//!   outputs through a [`Resolver`] that knows the resources already created.
//! - [`schema`] holds the property tables generated from the CloudFormation
//!   registry schemas (properties, create-only, attributes).

mod cidr;
mod error;
mod eval;
mod foreach;
mod parameters;
mod references;
pub mod schema;
mod summary;
mod template;
mod yaml;

pub use cidr::cidr;
pub use error::{ErrorKind, Result, TemplateError};
pub use eval::{supported_functions, Bound, ResolvedOutput, Resolver};
pub use parameters::{
    resolve_parameters, Given, NoLookup, ParamType, ParameterLookup, Params, Pseudo, ShownParameter,
    AWS_SPECIFIC_TYPES,
};
pub use references::{sub_parts, SubPart};
pub use summary::{IdentifierSummary, ParameterSummary, TemplateSummary, CAPABILITY_IAM, CAPABILITY_NAMED_IAM};
pub use template::{Output, Parameter, Resource, Template, LANGUAGE_EXTENSIONS};

#[cfg(test)]
mod tests;
