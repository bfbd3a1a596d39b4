# The default VPC and its defaults as Terraform adopts them
# (aws_default_*: existing resources, brought under management), plus a
# DHCP option set of its own associated with the default VPC.

resource "aws_default_vpc" "this" {
  tags = { Name = "default" }
}

resource "aws_default_subnet" "a" {
  availability_zone = "us-east-1a"
  tags              = { Name = "default-a" }
}

resource "aws_default_security_group" "this" {
  vpc_id = aws_default_vpc.this.id
  ingress {
    protocol  = -1
    self      = true
    from_port = 0
    to_port   = 0
  }
  egress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_default_network_acl" "this" {
  default_network_acl_id = aws_default_vpc.this.default_network_acl_id
  subnet_ids             = [aws_default_subnet.a.id]
  ingress {
    protocol   = -1
    rule_no    = 100
    action     = "allow"
    cidr_block = "0.0.0.0/0"
    from_port  = 0
    to_port    = 0
  }
  egress {
    protocol   = -1
    rule_no    = 100
    action     = "allow"
    cidr_block = "0.0.0.0/0"
    from_port  = 0
    to_port    = 0
  }
  lifecycle {
    # The other default subnets stay in the ACL too.
    ignore_changes = [subnet_ids]
  }
}


data "aws_internet_gateway" "default" {
  filter {
    name   = "attachment.vpc-id"
    values = [aws_default_vpc.this.id]
  }
}

resource "aws_default_route_table" "this" {
  default_route_table_id = aws_default_vpc.this.default_route_table_id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = data.aws_internet_gateway.default.id
  }
}

resource "aws_vpc_dhcp_options" "corp" {
  domain_name          = "corp.example"
  domain_name_servers  = ["AmazonProvidedDNS"]
  ntp_servers          = ["10.0.0.5"]
  netbios_node_type    = 2
  netbios_name_servers = ["10.0.0.6"]
  tags                 = { Name = "corp" }
}

resource "aws_vpc_dhcp_options_association" "corp" {
  vpc_id          = aws_default_vpc.this.id
  dhcp_options_id = aws_vpc_dhcp_options.corp.id
}

# An instance without a subnet lands in a default subnet.
resource "aws_instance" "web" {
  ami           = "ami-1e749f67"
  instance_type = "t3.micro"
  depends_on    = [aws_default_route_table.this]
}

output "vpc_id" { value = aws_default_vpc.this.id }
output "subnet_a" { value = aws_default_subnet.a.id }
output "dhcp_options_id" { value = aws_vpc_dhcp_options.corp.id }
output "security_group_id" { value = aws_default_security_group.this.id }
output "instance_subnet" { value = aws_instance.web.subnet_id }
output "instance_public_ip" { value = aws_instance.web.public_ip }
