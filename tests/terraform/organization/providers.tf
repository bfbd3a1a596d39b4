# Account 111111111111, the organization's management account; every
# service these resources call at var.endpoint. Unlike ../one_account.tf it
# lets the provider ask who it is: aws_organizations_organization reads its
# trusted services and policy types only when the caller is the
# management account.
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
  max_retries                 = 3
  endpoints {
    ec2           = var.endpoint
    sts           = var.endpoint
    iam           = var.endpoint
    ram           = var.endpoint
    organizations = var.endpoint
  }
}
