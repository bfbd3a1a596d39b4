# A public subnet (public IPs on launch, a default route to an internet
# gateway), one instance with an automatic public IP and one with an
# Elastic IP.

resource "aws_vpc" "this" {
  cidr_block           = "10.30.0.0/16"
  enable_dns_hostnames = true
}

resource "aws_internet_gateway" "this" {
  vpc_id = aws_vpc.this.id
}

resource "aws_subnet" "public" {
  vpc_id                  = aws_vpc.this.id
  cidr_block              = "10.30.1.0/24"
  map_public_ip_on_launch = true
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

resource "aws_instance" "auto" {
  ami           = "ami-1e749f67"
  instance_type = "t3.micro"
  subnet_id     = aws_subnet.public.id
}

# Its automatic address gives way to the Elastic IP. (Not
# `associate_public_ip_address = false`: the provider reads it back from the
# interface's association, true with an Elastic IP, in AWS as here.)
resource "aws_instance" "fixed" {
  ami           = "ami-1e749f67"
  instance_type = "t3.micro"
  subnet_id     = aws_subnet.public.id
}

resource "aws_eip" "fixed" {
  domain     = "vpc"
  instance   = aws_instance.fixed.id
  depends_on = [aws_internet_gateway.this]
}

output "auto_id" {
  value = aws_instance.auto.id
}

output "auto_public_ip" {
  value = aws_instance.auto.public_ip
}

output "auto_public_dns" {
  value = aws_instance.auto.public_dns
}

output "fixed_id" {
  value = aws_instance.fixed.id
}

output "eip" {
  value = aws_eip.fixed.public_ip
}

output "eip_allocation" {
  value = aws_eip.fixed.allocation_id
}
