//! What ValidateTemplate and GetTemplateSummary tell about a template:
//! its parameters, the capabilities it needs, its resource types.

use crate::template::Template;
use serde_json::Value;

/// IAM resource types: a stack with one needs `CAPABILITY_IAM`, or
/// `CAPABILITY_NAMED_IAM` when it names the resource.
const IAM_TYPES: &[&str] = &[
    "AWS::IAM::AccessKey",
    "AWS::IAM::Group",
    "AWS::IAM::GroupPolicy",
    "AWS::IAM::InstanceProfile",
    "AWS::IAM::ManagedPolicy",
    "AWS::IAM::Policy",
    "AWS::IAM::Role",
    "AWS::IAM::RolePolicy",
    "AWS::IAM::User",
    "AWS::IAM::UserPolicy",
    "AWS::IAM::UserToGroupAddition",
];

/// The properties that give an IAM resource a custom name.
const IAM_NAMES: &[&str] = &["RoleName", "UserName", "GroupName", "InstanceProfileName", "ManagedPolicyName"];

/// `CAPABILITY_IAM`.
pub const CAPABILITY_IAM: &str = "CAPABILITY_IAM";
/// `CAPABILITY_NAMED_IAM`.
pub const CAPABILITY_NAMED_IAM: &str = "CAPABILITY_NAMED_IAM";

/// One parameter as ValidateTemplate / GetTemplateSummary describe it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParameterSummary {
    /// `ParameterKey`.
    pub key: String,
    /// `ParameterType`.
    pub type_name: String,
    /// `DefaultValue`.
    pub default: Option<String>,
    /// `NoEcho`.
    pub no_echo: bool,
    /// `Description`.
    pub description: Option<String>,
    /// `ParameterConstraints.AllowedValues`.
    pub allowed_values: Vec<String>,
}

/// The resources of one type and their identifying properties
/// (GetTemplateSummary's `ResourceIdentifierSummaries`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentifierSummary {
    /// `ResourceType`.
    pub resource_type: String,
    /// `LogicalResourceIds`.
    pub logical_ids: Vec<String>,
    /// `ResourceIdentifiers` (the type's primary identifier).
    pub identifiers: Vec<String>,
}

/// ValidateTemplate / GetTemplateSummary's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct TemplateSummary {
    /// `Description`.
    pub description: Option<String>,
    /// `Parameters`, by key.
    pub parameters: Vec<ParameterSummary>,
    /// `Capabilities` the stack needs.
    pub capabilities: Vec<String>,
    /// `CapabilitiesReason`.
    pub capabilities_reason: Option<String>,
    /// `ResourceTypes`, sorted, each once.
    pub resource_types: Vec<String>,
    /// `DeclaredTransforms`.
    pub declared_transforms: Vec<String>,
    /// `Version` (`AWSTemplateFormatVersion`).
    pub version: Option<String>,
    /// `Metadata`, as JSON text.
    pub metadata: Option<String>,
    /// `ResourceIdentifierSummaries`, for types with a table.
    pub identifier_summaries: Vec<IdentifierSummary>,
}

impl Template {
    /// What ValidateTemplate / GetTemplateSummary answer for this template.
    pub fn summary(&self) -> TemplateSummary {
        let parameters = self
            .parameters
            .iter()
            .map(|(k, p)| ParameterSummary {
                key: k.clone(),
                type_name: p.type_name.clone(),
                default: p.default.clone(),
                no_echo: p.no_echo,
                description: p.description.clone(),
                allowed_values: p.allowed_values.clone().unwrap_or_default(),
            })
            .collect();
        let mut resource_types: Vec<String> = self.resources.values().map(|r| r.resource_type.clone()).collect();
        resource_types.sort();
        resource_types.dedup();
        let (capabilities, capabilities_reason) = match self.iam_capability() {
            Some((cap, types)) => (
                vec![cap.to_string()],
                Some(format!("The following resource(s) require capabilities: [{}]", types.join(", "))),
            ),
            None => (vec![], None),
        };
        let identifier_summaries = resource_types
            .iter()
            .filter_map(|ty| {
                let s = crate::schema::resource_type(ty)?;
                Some(IdentifierSummary {
                    resource_type: ty.clone(),
                    logical_ids: self
                        .resources
                        .iter()
                        .filter(|(_, r)| &r.resource_type == ty)
                        .map(|(id, _)| id.clone())
                        .collect(),
                    identifiers: s.primary_identifier.clone(),
                })
            })
            .collect();
        TemplateSummary {
            description: self.description.clone(),
            parameters,
            capabilities,
            capabilities_reason,
            resource_types,
            declared_transforms: self.transforms.clone(),
            version: self.format_version.clone(),
            metadata: self.metadata.as_ref().map(Value::to_string),
            identifier_summaries,
        }
    }

    /// The IAM capability the template needs, with the IAM types it has.
    fn iam_capability(&self) -> Option<(&'static str, Vec<String>)> {
        let iam: Vec<_> = self.resources.values().filter(|r| IAM_TYPES.contains(&r.resource_type.as_str())).collect();
        if iam.is_empty() {
            return None;
        }
        let named = iam.iter().any(|r| IAM_NAMES.iter().any(|n| r.properties.get(*n).is_some()));
        let mut types: Vec<String> = iam.iter().map(|r| r.resource_type.clone()).collect();
        types.sort();
        types.dedup();
        Some((if named { CAPABILITY_NAMED_IAM } else { CAPABILITY_IAM }, types))
    }

    /// CreateStack / UpdateStack's check of the `Capabilities` given: AWS's
    /// `InsufficientCapabilities` message ("Requires capabilities :
    /// [CAPABILITY_IAM]") when one is missing (`CAPABILITY_NAMED_IAM` also
    /// covers unnamed IAM resources).
    pub fn missing_capabilities(&self, given: &[String]) -> Option<String> {
        let (needed, _) = self.iam_capability()?;
        let has = |c: &str| given.iter().any(|g| g == c);
        let ok = has(CAPABILITY_NAMED_IAM) || (needed == CAPABILITY_IAM && has(CAPABILITY_IAM));
        (!ok).then(|| format!("Requires capabilities : [{needed}]"))
    }
}

#[cfg(test)]
mod tests {
    use crate::Template;

    const ROLE: &str = "Parameters:\n  Who: {Type: String, Description: account, AllowedValues: ['1', '2'], Default: '1'}\n  Secret: {Type: String, NoEcho: true}\nResources:\n  Role: {Type: AWS::IAM::Role, Properties: {AssumeRolePolicyDocument: {}}}\n  Vpc: {Type: AWS::EC2::VPC}\n  Vpc2: {Type: AWS::EC2::VPC}\n";

    #[test]
    fn summary_lists_parameters_types_and_capabilities() {
        let s = Template::parse(ROLE).unwrap().summary();
        assert_eq!(s.resource_types, ["AWS::EC2::VPC", "AWS::IAM::Role"]);
        assert_eq!(s.capabilities, ["CAPABILITY_IAM"]);
        assert_eq!(s.capabilities_reason.as_deref(), Some("The following resource(s) require capabilities: [AWS::IAM::Role]"));
        assert_eq!(s.parameters[0].key, "Secret");
        assert!(s.parameters[0].no_echo);
        assert_eq!(s.parameters[1].allowed_values, ["1", "2"]);
        assert_eq!(s.parameters[1].default.as_deref(), Some("1"));
        let vpcs = s.identifier_summaries.iter().find(|i| i.resource_type == "AWS::EC2::VPC").unwrap();
        assert_eq!((vpcs.logical_ids.clone(), vpcs.identifiers.clone()), (vec!["Vpc".to_string(), "Vpc2".into()], vec!["VpcId".to_string()]));
    }

    #[test]
    fn capabilities_are_checked_as_aws_does() {
        let t = Template::parse(ROLE).unwrap();
        assert_eq!(t.missing_capabilities(&[]).as_deref(), Some("Requires capabilities : [CAPABILITY_IAM]"));
        assert_eq!(t.missing_capabilities(&["CAPABILITY_IAM".into()]), None);
        assert_eq!(t.missing_capabilities(&["CAPABILITY_NAMED_IAM".into()]), None);
        let named = Template::parse(&ROLE.replace("AssumeRolePolicyDocument: {}", "AssumeRolePolicyDocument: {}, RoleName: r")).unwrap();
        assert_eq!(named.summary().capabilities, ["CAPABILITY_NAMED_IAM"]);
        assert_eq!(named.missing_capabilities(&["CAPABILITY_IAM".into()]).as_deref(), Some("Requires capabilities : [CAPABILITY_NAMED_IAM]"));
        assert_eq!(Template::parse("Resources: {V: {Type: AWS::EC2::VPC}}").unwrap().missing_capabilities(&[]), None);
    }
}
