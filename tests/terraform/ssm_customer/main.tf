# A team's own parameters: a String naming an AMI (data type
# aws:ec2:image) that an instance launches from, a StringList and a
# tagged SecureString.

resource "aws_ssm_parameter" "golden_ami" {
  name      = "/platform/golden-ami"
  type      = "String"
  data_type = "aws:ec2:image"
  value     = "ami-0453ec754f44f9a4a"
}

resource "aws_ssm_parameter" "zones" {
  name        = "/platform/zones"
  type        = "StringList"
  value       = "us-east-1a,us-east-1b"
  description = "zones the platform uses"
}

resource "aws_ssm_parameter" "db_password" {
  name  = "/platform/db/password"
  type  = "SecureString"
  value = "correct-horse-battery"
  tags = {
    Team = "platform"
  }
}

data "aws_ssm_parameter" "golden_ami" {
  name = aws_ssm_parameter.golden_ami.name
}

resource "aws_vpc" "this" {
  cidr_block = "10.33.0.0/16"
}

resource "aws_subnet" "this" {
  vpc_id     = aws_vpc.this.id
  cidr_block = "10.33.1.0/24"
}

resource "aws_instance" "golden" {
  ami           = data.aws_ssm_parameter.golden_ami.value
  instance_type = "t3.micro"
  subnet_id     = aws_subnet.this.id
}

output "instance" {
  value = aws_instance.golden.id
}

output "password_arn" {
  value = aws_ssm_parameter.db_password.arn
}

output "zones_version" {
  value = aws_ssm_parameter.zones.version
}
