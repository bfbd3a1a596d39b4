# A public subnet holding a public NAT gateway (with an Elastic IP), a
# private subnet whose default route goes to it, and a private NAT gateway
# with a fixed address.

resource "aws_vpc" "this" {
  cidr_block = "10.31.0.0/16"
}

resource "aws_internet_gateway" "this" {
  vpc_id = aws_vpc.this.id
}

resource "aws_subnet" "public" {
  vpc_id     = aws_vpc.this.id
  cidr_block = "10.31.1.0/24"
}

resource "aws_subnet" "private" {
  vpc_id     = aws_vpc.this.id
  cidr_block = "10.31.2.0/24"
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.this.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.this.id
  }
}

resource "aws_route_table_association" "public" {
  subnet_id      = aws_subnet.public.id
  route_table_id = aws_route_table.public.id
}

resource "aws_eip" "nat" {
  domain     = "vpc"
  depends_on = [aws_internet_gateway.this]
}

resource "aws_nat_gateway" "public" {
  allocation_id = aws_eip.nat.id
  subnet_id     = aws_subnet.public.id
  tags = {
    Name = "public"
  }
  depends_on = [aws_internet_gateway.this]
}

resource "aws_nat_gateway" "private" {
  connectivity_type = "private"
  subnet_id         = aws_subnet.private.id
  private_ip        = "10.31.2.50"
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.this.id
}

resource "aws_route" "out" {
  route_table_id         = aws_route_table.private.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.public.id
}

resource "aws_route_table_association" "private" {
  subnet_id      = aws_subnet.private.id
  route_table_id = aws_route_table.private.id
}

output "public_nat" {
  value = aws_nat_gateway.public.id
}

output "public_ip" {
  value = aws_nat_gateway.public.public_ip
}

output "eip" {
  value = aws_eip.nat.public_ip
}

output "private_nat" {
  value = aws_nat_gateway.private.id
}

output "private_table" {
  value = aws_route_table.private.id
}
