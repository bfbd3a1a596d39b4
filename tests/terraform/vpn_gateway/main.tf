# A virtual private gateway attached to a VPC (by a separate attachment),
# propagating into the VPC's route table, and a customer gateway.

resource "aws_vpc" "this" {
  cidr_block = "10.50.0.0/16"
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.this.id
}

resource "aws_vpn_gateway" "this" {
  amazon_side_asn = 64620
  tags = {
    Name = "vgw"
  }
}

resource "aws_vpn_gateway_attachment" "this" {
  vpc_id         = aws_vpc.this.id
  vpn_gateway_id = aws_vpn_gateway.this.id
}

resource "aws_vpn_gateway_route_propagation" "private" {
  vpn_gateway_id = aws_vpn_gateway.this.id
  route_table_id = aws_route_table.private.id
  depends_on     = [aws_vpn_gateway_attachment.this]
}

resource "aws_customer_gateway" "dc" {
  bgp_asn    = 65010
  ip_address = "198.51.100.7"
  type       = "ipsec.1"
  tags = {
    Name = "dc"
  }
}

output "vgw_id" {
  value = aws_vpn_gateway.this.id
}

output "cgw_id" {
  value = aws_customer_gateway.dc.id
}

output "vpc_id" {
  value = aws_vpc.this.id
}

output "route_table_id" {
  value = aws_route_table.private.id
}
