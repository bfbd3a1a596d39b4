# The VPC module's flow log shape (vpc-flow-logs.tf): a VPC's flow log to a
# CloudWatch Logs group, delivered by an IAM role whose policy lets it
# write there, and a second flow log to an S3 bucket with S3's options.
# (Terraform checks log_destination is an ARN, so xvpc's file:// extension
# is for the CLI and SDKs.)

resource "aws_vpc" "this" {
  cidr_block = "10.41.0.0/16"
}

resource "aws_cloudwatch_log_group" "flow_log" {
  name              = "/aws/vpc-flow-log/${aws_vpc.this.id}"
  retention_in_days = 30
  tags              = { Name = "flow" }
}

data "aws_iam_policy_document" "assume" {
  statement {
    sid     = "AWSVPCFlowLogsAssumeRole"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["vpc-flow-logs.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "flow_log" {
  name_prefix        = "vpc-flow-log-role-"
  assume_role_policy = data.aws_iam_policy_document.assume.json
  tags               = { Name = "flow" }
}

data "aws_iam_policy_document" "push" {
  statement {
    sid       = "AWSVPCFlowLogsPushToCloudWatch"
    effect    = "Allow"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams"]
    resources = ["${aws_cloudwatch_log_group.flow_log.arn}:*"]
  }
}

resource "aws_iam_policy" "flow_log" {
  name_prefix = "vpc-flow-log-to-cloudwatch-"
  policy      = data.aws_iam_policy_document.push.json
  tags        = { Name = "flow" }
}

resource "aws_iam_role_policy_attachment" "flow_log" {
  role       = aws_iam_role.flow_log.name
  policy_arn = aws_iam_policy.flow_log.arn
}

resource "aws_flow_log" "cloudwatch" {
  log_destination_type     = "cloud-watch-logs"
  log_destination          = aws_cloudwatch_log_group.flow_log.arn
  iam_role_arn             = aws_iam_role.flow_log.arn
  traffic_type             = "ALL"
  vpc_id                   = aws_vpc.this.id
  max_aggregation_interval = 600
  tags                     = { Name = "flow" }
}

resource "aws_flow_log" "file" {
  log_destination_type = "s3"
  log_destination      = "arn:aws:s3:::flow-logs-bucket/vpc/"
  traffic_type         = "REJECT"
  vpc_id               = aws_vpc.this.id
  log_format           = "$${version} $${interface-id} $${action}"
  destination_options {
    file_format        = "plain-text"
    per_hour_partition = true
  }
}

output "vpc" {
  value = aws_vpc.this.id
}

output "cloudwatch_flow_log" {
  value = aws_flow_log.cloudwatch.id
}

output "file_flow_log" {
  value = aws_flow_log.file.id
}

output "group" {
  value = aws_cloudwatch_log_group.flow_log.name
}

output "role" {
  value = aws_iam_role.flow_log.name
}

output "role_arn" {
  value = aws_iam_role.flow_log.arn
}

output "policy" {
  value = aws_iam_policy.flow_log.arn
}
