# VPC Block Public Access: the account's mode in us-east-1 and an
# exclusion of one subnet (egress only), with tags.

resource "aws_vpc" "this" {
  cidr_block = "10.40.0.0/16"
}

resource "aws_subnet" "public" {
  vpc_id     = aws_vpc.this.id
  cidr_block = "10.40.1.0/24"
}

resource "aws_vpc_block_public_access_options" "this" {
  internet_gateway_block_mode = "block-bidirectional"
}

resource "aws_vpc_block_public_access_exclusion" "public" {
  subnet_id                       = aws_subnet.public.id
  internet_gateway_exclusion_mode = "allow-egress"
  tags = {
    Name = "public"
  }
}

output "exclusion_id" {
  value = aws_vpc_block_public_access_exclusion.public.id
}

output "resource_arn" {
  value = aws_vpc_block_public_access_exclusion.public.resource_arn
}

output "subnet_id" {
  value = aws_subnet.public.id
}
