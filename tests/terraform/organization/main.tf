# An organization in account 111111111111 with RAM sharing inside it, an OU
# and a new member account in that OU: what the transit gateway example
# (../tgw_cross_account_example) needs before it applies unchanged.

resource "aws_organizations_organization" "org" {
  feature_set                   = "ALL"
  aws_service_access_principals = ["ram.amazonaws.com"]
  enabled_policy_types          = ["SERVICE_CONTROL_POLICY"]
}

resource "aws_organizations_organizational_unit" "workloads" {
  name      = "workloads"
  parent_id = aws_organizations_organization.org.roots[0].id
  tags = {
    team = "network"
  }
}

resource "aws_organizations_account" "second" {
  name      = "second"
  email     = "second@example.com"
  parent_id = aws_organizations_organizational_unit.workloads.id
  tags = {
    team = "network"
  }
}

resource "aws_ram_sharing_with_organization" "on" {
  depends_on = [aws_organizations_organization.org]
}

output "organization_id" {
  value = aws_organizations_organization.org.id
}

output "root_id" {
  value = aws_organizations_organization.org.roots[0].id
}

output "ou_id" {
  value = aws_organizations_organizational_unit.workloads.id
}

output "second_account_id" {
  value = aws_organizations_account.second.id
}
