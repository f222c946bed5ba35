app            = "lnx-app-01"
release        = "2024.06"
vault_id       = "51defd60-cb68-418d-a3bd-12027ac71c4f"
south_vault_id = "0d3e6f21-8a4b-4c5d-9e7f-1a2b3c4d5e6f"
