# A VPC with a gateway endpoint to S3 (found through the endpoint service
# data source) on its private table, a gateway endpoint to DynamoDB, an
# interface endpoint to STS with private DNS, and the AWS-managed prefix
# lists read back through both data sources.

data "aws_vpc_endpoint_service" "s3" {
  service      = "s3"
  service_type = "Gateway"
}

data "aws_vpc_endpoint_service" "dynamodb" {
  service = "dynamodb"
  filter {
    name   = "service-type"
    values = ["Gateway"]
  }
}

data "aws_vpc_endpoint_service" "sts" {
  service      = "sts"
  service_type = "Interface"
}

resource "aws_vpc" "this" {
  cidr_block           = "10.41.0.0/16"
  enable_dns_hostnames = true
  enable_dns_support   = true
}

resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.this.id
  cidr_block        = "10.41.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_subnet" "b" {
  vpc_id            = aws_vpc.this.id
  cidr_block        = "10.41.2.0/24"
  availability_zone = "us-east-1b"
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.this.id
}

resource "aws_route_table_association" "a" {
  subnet_id      = aws_subnet.a.id
  route_table_id = aws_route_table.private.id
}

resource "aws_security_group" "endpoints" {
  name   = "endpoints"
  vpc_id = aws_vpc.this.id
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = [aws_vpc.this.cidr_block]
  }
}

resource "aws_vpc_endpoint" "s3" {
  vpc_id            = aws_vpc.this.id
  service_name      = data.aws_vpc_endpoint_service.s3.service_name
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.private.id]
  tags              = { Name = "s3" }
}

resource "aws_vpc_endpoint" "dynamodb" {
  vpc_id       = aws_vpc.this.id
  service_name = data.aws_vpc_endpoint_service.dynamodb.service_name
}

resource "aws_vpc_endpoint_route_table_association" "dynamodb" {
  vpc_endpoint_id = aws_vpc_endpoint.dynamodb.id
  route_table_id  = aws_route_table.private.id
}

resource "aws_vpc_endpoint" "sts" {
  vpc_id              = aws_vpc.this.id
  service_name        = data.aws_vpc_endpoint_service.sts.service_name
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.a.id, aws_subnet.b.id]
  security_group_ids  = [aws_security_group.endpoints.id]
  private_dns_enabled = true
}

data "aws_prefix_list" "s3" {
  prefix_list_id = aws_vpc_endpoint.s3.prefix_list_id
}

data "aws_ec2_managed_prefix_list" "dynamodb" {
  name = "com.amazonaws.us-east-1.dynamodb"
}

output "s3_endpoint" {
  value = aws_vpc_endpoint.s3.id
}

output "s3_prefix_list" {
  value = aws_vpc_endpoint.s3.prefix_list_id
}

output "s3_cidrs" {
  value = data.aws_prefix_list.s3.cidr_blocks
}

output "dynamodb_endpoint" {
  value = aws_vpc_endpoint.dynamodb.id
}

output "dynamodb_prefix_list" {
  value = data.aws_ec2_managed_prefix_list.dynamodb.id
}

output "dynamodb_entries" {
  value = [for e in data.aws_ec2_managed_prefix_list.dynamodb.entries : e.cidr]
}

output "sts_endpoint" {
  value = aws_vpc_endpoint.sts.id
}

output "sts_dns" {
  value = [for e in aws_vpc_endpoint.sts.dns_entry : e.dns_name]
}

output "table" {
  value = aws_route_table.private.id
}

output "owner" {
  value = data.aws_vpc_endpoint_service.sts.owner
}
