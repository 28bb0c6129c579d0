//go:build generate

// Package tools pins the tools used to generate documentation and format
// examples, in a module of their own so the provider's go.mod stays small.
package tools

import (
	// Documentation generation.
	_ "github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs"
)
