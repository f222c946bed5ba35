# Terraform that trips request, operation and server rules. Every violation
# has a `# <rule-id>: why` comment on its line (or on the line a finding
# about a missing value points at).
#
#   ims-preflight check examples/terraform/failing    -> findings, exit 1

provider "huaweicloud" {
  region = "cn-north-4"
}

resource "huaweicloud_compute_instance" "web" { # server-status, server-optimized: power_action not set, OS unknown
  name                    = "web-01"
  image_id                = "3f6c2b8e-5a1d-4e7f-9b2c-8d4e6f1a3b5c"
  flavor_id               = "s6.large.2"
  system_disk_type        = "SSD"
  system_disk_dss_pool_id = "dss-pool-01" # dss-disk: a system disk on a dedicated storage pool
  system_disk_kms_key_id  = "2f3a1b4c-5d6e-4f70-8192-a3b4c5d6e7f8"

  network {
    uuid = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
  }
}

resource "huaweicloud_cbr_vault" "servers" {
  name            = "servers"
  type            = "server"
  protection_type = "backup"
  size            = 200

  resources {
    server_id = huaweicloud_compute_instance.web.id
  }
}

resource "huaweicloud_cbr_vault" "other" {
  name            = "other"
  type            = "server"
  protection_type = "backup"
  size            = 100
}

resource "huaweicloud_ims_ecs_whole_image" "web" { # request-unverified: the guest's OS and preparation are not known
  name                  = var.image_name
  description           = "<b>web</b> tier" # request-description: no angle brackets
  instance_id           = huaweicloud_compute_instance.web.id
  vault_id              = huaweicloud_cbr_vault.other.id # request-vault-id: the server is in vault `servers`
  enterprise_project_id = "default" # request-id-format: "0" or a UUID
  min_ram               = 8192 # request-ram: more than max_ram
  max_ram               = 4096
}

resource "huaweicloud_images_image_copy" "copy" { # image-replicate-cross-region: no target_region is a copy in the same region
  source_image_id = huaweicloud_ims_ecs_whole_image.web.id
  name            = "web-01-copy"
}

resource "huaweicloud_images_image_share" "partners" { # image-encrypted: made from a KMS-encrypted system disk
  source_image_id = huaweicloud_ims_ecs_whole_image.web.id
  target_project_ids = [ # image-share-limit: 11 projects, at most 10
    "0a1b2c3d4e5f40718293a4b5c6d7e801", "0a1b2c3d4e5f40718293a4b5c6d7e802",
    "0a1b2c3d4e5f40718293a4b5c6d7e803", "0a1b2c3d4e5f40718293a4b5c6d7e804",
    "0a1b2c3d4e5f40718293a4b5c6d7e805", "0a1b2c3d4e5f40718293a4b5c6d7e806",
    "0a1b2c3d4e5f40718293a4b5c6d7e807", "0a1b2c3d4e5f40718293a4b5c6d7e808",
    "0a1b2c3d4e5f40718293a4b5c6d7e809", "0a1b2c3d4e5f40718293a4b5c6d7e810",
    "0a1b2c3d4e5f40718293a4b5c6d7e811",
  ]
}

resource "huaweicloud_ims_image_export" "obs" { # image-no-export: a whole image cannot be exported
  image_id    = huaweicloud_ims_ecs_whole_image.web.id
  bucket_url  = "images-bucket:web-01.qcow2"
  file_format = "qcow2"
}

variable "image_name" {
  type = string
}
