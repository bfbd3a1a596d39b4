"""Terraform (AWS provider from the local mirror): an organization with RAM
sharing on, an OU and an account made in it (aws_organizations_organization,
_organizational_unit, _account, aws_ram_sharing_with_organization); then the
provider's own example transit-gateway-cross-account-vpc-attachment,
unchanged, between the management account and the new account: it has no
share accepter, so it works only because inside the organization the share
needs no invitation. Each applies, plans empty and destroys."""
import os

from conftest import A, make_client
from terraform_run import applied, requires_terraform, workspace

HERE = os.path.dirname(os.path.abspath(__file__))
pytestmark = [requires_terraform]

# Points both of the example's providers at the test server; Terraform
# merges a `*_override.tf` file into the blocks it names, so the example's
# own files stay as published.
OVERRIDE = """
provider "aws" {
  alias                       = "%(alias)s"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  endpoints {
    ec2 = "%(url)s"
    ram = "%(url)s"
    sts = "%(url)s"
  }
}
"""


def test_organization_then_the_cross_account_transit_gateway_example(server, ec2, ram, tmp_path):
    org = make_client(server, "organizations", A)
    work, env = workspace(os.path.join(HERE, "terraform", "organization"), server, tmp_path / "org")
    with applied(work, env) as out:
        second = out["second_account_id"]
        assert org.describe_organization()["Organization"]["Id"] == out["organization_id"]
        assert org.list_parents(ChildId=second)["Parents"] == [{"Id": out["ou_id"], "Type": "ORGANIZATIONAL_UNIT"}]
        assert [p["ServicePrincipal"] for p in org.list_aws_service_access_for_organization()["EnabledServicePrincipals"]] == ["ram.amazonaws.com"]
        ex, ex_env = workspace(os.path.join(HERE, "terraform", "tgw_cross_account_example"), server, tmp_path / "example",
                               aws_first_access_key=A, aws_first_secret_key="test",
                               aws_second_access_key=second, aws_second_secret_key="test", aws_region="us-east-1")
        for f in ("endpoint_override.tf",):
            (ex / f).write_text("".join(OVERRIDE % {"alias": a, "url": server.url} for a in ("first", "second")))
        with applied(ex, ex_env):
            shares = ram(A).get_resource_shares(resourceOwner="SELF", name="terraform-example")["resourceShares"]
            assert len(shares) == 1 and shares[0]["allowExternalPrincipals"] is False
            assoc = ram(A).get_resource_share_associations(associationType="PRINCIPAL",
                                                           resourceShareArns=[shares[0]["resourceShareArn"]])
            assert [(a["associatedEntity"], a["status"], a["external"]) for a in assoc["resourceShareAssociations"]] == \
                [(second, "ASSOCIATED", False)]
            assert ram(second).get_resource_share_invitations()["resourceShareInvitations"] == []
            atts = ec2(second).describe_transit_gateway_vpc_attachments()["TransitGatewayVpcAttachments"]
            assert [a["State"] for a in atts] == ["available"]
        assert ec2(second).describe_transit_gateway_vpc_attachments(
            Filters=[{"Name": "state", "Values": ["available", "pending", "pendingAcceptance"]}])["TransitGatewayVpcAttachments"] == []
    assert org.list_roots  # the organization is gone with the destroy:
    try:
        org.describe_organization()
        raise AssertionError("the organization outlived terraform destroy")
    except org.exceptions.AWSOrganizationsNotInUseException:
        pass
