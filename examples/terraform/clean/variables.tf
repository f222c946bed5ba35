variable "region" {
  type    = string
  default = "cn-north-4"
}

variable "app" {
  type = string
}

variable "release" {
  type = string
}

variable "vault_id" {
  description = "The CBR server backup vault the ECS is in."
  type        = string
}

variable "south_vault_id" {
  description = "A server backup vault in cn-south-1 for the replica."
  type        = string
}
