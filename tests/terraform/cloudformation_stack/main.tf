# A CloudFormation stack managed by Terraform: parameters, a template with
# a VPC and a subnet, tags, and the stack's outputs read back.
resource "aws_cloudformation_stack" "net" {
  name = "tf-net"
  parameters = {
    Cidr = "10.60.0.0/16"
  }
  template_body = jsonencode({
    Parameters = { Cidr = { Type = "String" } }
    Resources = {
      Vpc = { Type = "AWS::EC2::VPC", Properties = { CidrBlock = { Ref = "Cidr" } } }
      Subnet = {
        Type       = "AWS::EC2::Subnet"
        Properties = { VpcId = { Ref = "Vpc" }, CidrBlock = { "Fn::Select" = [0, { "Fn::Cidr" = [{ Ref = "Cidr" }, 4, 8] }] } }
      }
    }
    Outputs = {
      VpcId    = { Value = { Ref = "Vpc" } }
      SubnetId = { Value = { Ref = "Subnet" } }
    }
  })
  tags = {
    team = "net"
  }
}

data "aws_subnet" "made" {
  id = aws_cloudformation_stack.net.outputs["SubnetId"]
}

output "vpc_id" {
  value = aws_cloudformation_stack.net.outputs["VpcId"]
}

output "subnet_cidr" {
  value = data.aws_subnet.made.cidr_block
}

output "subnet_vpc" {
  value = data.aws_subnet.made.vpc_id
}
