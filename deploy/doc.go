// Package deploy holds the Kubernetes manifests (the YAML files beside this
// one) and the offline check that keeps them valid; it has no code.
package deploy
