# Cross-account (and, with region_b != region_a, cross-region) peering with
# per-side options: A requests with peer_region, B accepts, then each side
# enables DNS resolution for its own VPC (aws_vpc_peering_connection_options
# from each account), and both add routes. Used by tests/test_scenarios_peering.py.

terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = ">= 5.0, < 6.0" }
  }
}

variable "endpoint" { type = string }
variable "region_a" {
  type    = string
  default = "us-east-1"
}
variable "region_b" {
  type    = string
  default = "us-east-1"
}

locals {
  a = "111111111111"
  b = "222222222222"
}

provider "aws" {
  alias                       = "a"
  region                      = var.region_a
  access_key                  = local.a
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  max_retries                 = 2
  endpoints {
    ec2 = var.endpoint
    sts = var.endpoint
  }
}

provider "aws" {
  alias                       = "b"
  region                      = var.region_b
  access_key                  = local.b
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  max_retries                 = 2
  endpoints {
    ec2 = var.endpoint
    sts = var.endpoint
  }
}

resource "aws_vpc" "a" {
  provider             = aws.a
  cidr_block           = "10.1.0.0/16"
  enable_dns_hostnames = true
}

resource "aws_vpc" "b" {
  provider             = aws.b
  cidr_block           = "10.2.0.0/16"
  enable_dns_hostnames = true
}

resource "aws_vpc_peering_connection" "a_to_b" {
  provider      = aws.a
  vpc_id        = aws_vpc.a.id
  peer_vpc_id   = aws_vpc.b.id
  peer_owner_id = local.b
  peer_region   = var.region_b
  tags          = { Side = "requester" }
}

resource "aws_vpc_peering_connection_accepter" "b" {
  provider                  = aws.b
  vpc_peering_connection_id = aws_vpc_peering_connection.a_to_b.id
  auto_accept               = true
  tags                      = { Side = "accepter" }
}

resource "aws_vpc_peering_connection_options" "requester" {
  provider                  = aws.a
  vpc_peering_connection_id = aws_vpc_peering_connection_accepter.b.id
  requester {
    allow_remote_vpc_dns_resolution = true
  }
}

resource "aws_vpc_peering_connection_options" "accepter" {
  provider                  = aws.b
  vpc_peering_connection_id = aws_vpc_peering_connection_accepter.b.id
  accepter {
    allow_remote_vpc_dns_resolution = true
  }
}

resource "aws_route" "a_to_b" {
  provider                  = aws.a
  route_table_id            = aws_vpc.a.main_route_table_id
  destination_cidr_block    = aws_vpc.b.cidr_block
  vpc_peering_connection_id = aws_vpc_peering_connection_accepter.b.id
}

resource "aws_route" "b_to_a" {
  provider                  = aws.b
  route_table_id            = aws_vpc.b.main_route_table_id
  destination_cidr_block    = aws_vpc.a.cidr_block
  vpc_peering_connection_id = aws_vpc_peering_connection_accepter.b.id
}

data "aws_vpc_peering_connection" "seen_by_a" {
  provider   = aws.a
  id         = aws_vpc_peering_connection.a_to_b.id
  depends_on = [aws_vpc_peering_connection_options.requester, aws_vpc_peering_connection_options.accepter]

  lifecycle {
    postcondition {
      condition     = self.status == "active" && self.peer_region == var.region_b && self.region == var.region_a
      error_message = "A sees ${self.status} (${self.region} -> ${self.peer_region})."
    }
  }
}

output "status" {
  value = data.aws_vpc_peering_connection.seen_by_a.status
}
