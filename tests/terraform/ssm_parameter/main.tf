# An instance launched from the AMI AWS's public Systems Manager parameter
# names (data "aws_ssm_parameter" -> aws_instance.ami), the way templates
# pick "the latest Amazon Linux 2023" instead of a fixed id.

data "aws_ssm_parameter" "al2023" {
  name = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
}

data "aws_ssm_parameter" "jammy" {
  name = "/aws/service/canonical/ubuntu/server/22.04/stable/current/amd64/hvm/ebs-gp2/ami-id"
}

resource "aws_vpc" "this" {
  cidr_block = "10.32.0.0/16"
}

resource "aws_subnet" "this" {
  vpc_id     = aws_vpc.this.id
  cidr_block = "10.32.1.0/24"
}

resource "aws_instance" "al2023" {
  ami           = data.aws_ssm_parameter.al2023.value
  instance_type = "t3.micro"
  subnet_id     = aws_subnet.this.id
}

output "instance" {
  value = aws_instance.al2023.id
}

output "ami" {
  value = nonsensitive(data.aws_ssm_parameter.al2023.value)
}

output "arn" {
  value = data.aws_ssm_parameter.al2023.arn
}

output "type" {
  value = data.aws_ssm_parameter.al2023.type
}

output "version" {
  value = data.aws_ssm_parameter.al2023.version
}

output "jammy" {
  value = nonsensitive(data.aws_ssm_parameter.jammy.value)
}
