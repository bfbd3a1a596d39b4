# The same foundation in two accounts: each gets its own VPC, subnets,
# routing, gateway, security groups, NACL and instance.

module "a" {
  source    = "./side"
  providers = { aws = aws.a }
  name      = "found-a"
  cidr      = "10.10.0.0/16"
}

module "b" {
  source    = "./side"
  providers = { aws = aws.b }
  name      = "found-b"
  cidr      = "10.20.0.0/16"
}

output "a" {
  value = module.a
}

output "b" {
  value = module.b
}
