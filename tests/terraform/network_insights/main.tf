# Reachability Analyzer through Terraform: a path between two ENIs and an
# analysis waited for until it completes (computed by xvpc's engine).
# Provider: providers.tf (a link to ../one_account.tf).

resource "aws_vpc" "v" {
  cidr_block = "10.30.0.0/16"
}

resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.v.id
  cidr_block        = "10.30.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_subnet" "b" {
  vpc_id            = aws_vpc.v.id
  cidr_block        = "10.30.2.0/24"
  availability_zone = "us-east-1b"
}

resource "aws_security_group" "web" {
  name   = "web"
  vpc_id = aws_vpc.v.id
}

resource "aws_vpc_security_group_ingress_rule" "http" {
  security_group_id = aws_security_group.web.id
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_ipv4         = "10.30.0.0/16"
}

resource "aws_network_interface" "client" {
  subnet_id = aws_subnet.a.id
}

resource "aws_network_interface" "web" {
  subnet_id       = aws_subnet.b.id
  security_groups = [aws_security_group.web.id]
}

resource "aws_ec2_network_insights_path" "p" {
  source           = aws_network_interface.client.id
  destination      = aws_network_interface.web.id
  protocol         = "tcp"
  destination_port = 80
  tags             = { Name = "client-to-web" }
}

resource "aws_ec2_network_insights_analysis" "a" {
  network_insights_path_id = aws_ec2_network_insights_path.p.id
  wait_for_completion      = true
  depends_on               = [aws_vpc_security_group_ingress_rule.http]
}

output "path_found" {
  value = aws_ec2_network_insights_analysis.a.path_found
}

output "status" {
  value = aws_ec2_network_insights_analysis.a.status
}
