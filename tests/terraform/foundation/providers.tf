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

# Emulator convention: the access key id IS the 12-digit account id.
provider "aws" {
  alias                       = "a"
  region                      = "us-east-1"
  access_key                  = "111111111111"
  secret_key                  = "test"
  allowed_account_ids         = ["111111111111"]
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  max_retries                 = 3
  endpoints {
    ec2 = var.endpoint
    sts = var.endpoint
    iam = var.endpoint
  }
}

provider "aws" {
  alias                       = "b"
  region                      = "us-east-1"
  access_key                  = "222222222222"
  secret_key                  = "test"
  allowed_account_ids         = ["222222222222"]
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  max_retries                 = 3
  endpoints {
    ec2 = var.endpoint
    sts = var.endpoint
    iam = var.endpoint
  }
}
