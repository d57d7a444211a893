"""Rules for Kubernetes manifests (detected by `apiVersion` + `kind`, not by file name)."""
