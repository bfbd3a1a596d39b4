# The provider of the single-account configurations (linked as providers.tf
# into each): account 111111111111, us-east-1, EC2, STS and the services
# that keep subnet groups (RDS, ElastiCache, Redshift), IAM, CloudWatch
# Logs, Systems Manager (SSM) and CloudFormation at var.endpoint.
terraform {
  required_version = ">= 1.5.0"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0, < 6.0"
    }
  }
}

variable "endpoint" {
  type = string
}

provider "aws" {
  region                      = "us-east-1"
  access_key                  = "111111111111"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  skip_requesting_account_id  = true
  max_retries                 = 3
  endpoints {
    ec2         = var.endpoint
    sts         = var.endpoint
    rds         = var.endpoint
    elasticache = var.endpoint
    redshift    = var.endpoint
    iam         = var.endpoint
    logs        = var.endpoint
    ssm         = var.endpoint
    cloudformation = var.endpoint
  }
}
