# A VPC with two database subnets in two zones, and the subnet group each
# service keeps in it, as Terraform's VPC module writes them (tags,
# descriptions, a mixed-case RDS name that RDS stores lowercase).
resource "aws_vpc" "main" {
  cidr_block = "10.20.0.0/16"
}

resource "aws_subnet" "db" {
  count             = 2
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(aws_vpc.main.cidr_block, 8, count.index)
  availability_zone = ["us-east-1a", "us-east-1b"][count.index]
}

resource "aws_db_subnet_group" "db" {
  name        = lower("Main-DB")
  description = "Database subnet group for main"
  subnet_ids  = aws_subnet.db[*].id
  tags        = { Name = "main-db", Team = "data" }
}

resource "aws_elasticache_subnet_group" "cache" {
  name        = "main-cache"
  description = "ElastiCache subnet group for main"
  subnet_ids  = aws_subnet.db[*].id
  tags        = { Name = "main-cache" }
}

resource "aws_redshift_subnet_group" "warehouse" {
  name        = "main-redshift"
  description = "Redshift subnet group for main"
  subnet_ids  = aws_subnet.db[*].id
  tags        = { Name = "main-redshift" }
}

output "db_arn" {
  value = aws_db_subnet_group.db.arn
}

output "cache_arn" {
  value = aws_elasticache_subnet_group.cache.arn
}

output "redshift_arn" {
  value = aws_redshift_subnet_group.warehouse.arn
}

output "subnets" {
  value = aws_subnet.db[*].id
}
