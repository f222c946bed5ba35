# A whole image of an existing, prepared Linux ECS, made with Terraform.
#
#   ims-preflight check examples/terraform/clean      -> no findings, exit 0
#
# The instance exists already: the data source finds it by name, which joins it
# to the server described in servers.yaml (its OS, disks and preparation).

terraform {
  required_providers {
    huaweicloud = {
      source  = "huaweicloud/huaweicloud"
      version = ">= 1.68.0"
    }
  }
}

provider "huaweicloud" {
  region = var.region
}

data "huaweicloud_compute_instance" "app" {
  name = "lnx-app-01"
}

resource "huaweicloud_ims_ecs_whole_image" "app" {
  name                  = "${var.app}-whole-${var.release}"
  description           = "Whole image of ${var.app} (system and data disk), release ${var.release}"
  instance_id           = data.huaweicloud_compute_instance.app.id
  vault_id              = var.vault_id
  enterprise_project_id = "0"
  min_ram               = 2048
  max_ram               = 65536

  tags = {
    env     = "prod"
    app     = var.app
    release = var.release
  }
}

# Whole images are replicated to another region only.
resource "huaweicloud_images_image_copy" "south" {
  source_image_id = huaweicloud_ims_ecs_whole_image.app.id
  name            = "${var.app}-whole-${var.release}-south"
  target_region   = "cn-south-1"
  agency_name     = "ims_admin_agency"
  vault_id        = var.south_vault_id
}
