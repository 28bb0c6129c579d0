// Command terraform-provider-scim serves the SCIM 2.0 provisioning provider
// to Terraform over the plugin protocol (version 6).
package main

import (
	"flag"
	"log"
	"os"

	"github.com/openscim/terraform-provider-scim/internal/pluginserver"
	"github.com/openscim/terraform-provider-scim/internal/provider"
)

// Run "go generate" (make generate) to format the examples and generate docs/ from the schemas, examples/ and templates/.

//go:generate terraform fmt -recursive ./examples/

//go:generate go run -C tools github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs generate --provider-dir .. --provider-name scim

// version is set by the release build (goreleaser -ldflags).
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	if err := pluginserver.Serve(provider.RegistryAddress, provider.NewProtocolServer(version, os.Getenv), debug); err != nil {
		log.Fatal(err.Error())
	}
}
