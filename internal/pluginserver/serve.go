// Package pluginserver serves the provider to Terraform over the plugin
// protocol (version 6) with the three things the bare tf6server.Serve of the
// framework's server lacks: a wrapper that lets finished calls go of their
// request contexts (Wrap), logs Terraform would discard turned off at the
// source (quietUnlessLogged), and, in a build with the scimprofile tag,
// CPU and heap profiles of the whole run (SCIM_PROVIDER_PROFILE_DIR).
package pluginserver

import (
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
)

// Serve serves the servers newServer makes, each wrapped, at the registry
// address until Terraform is done with the provider. debug runs it with
// support for debuggers like delve (tf6server's managed debug mode), and
// leaves the logs on.
func Serve(address string, newServer func() tfprotov6.ProviderServer, debug bool) error {
	quietUnlessLogged(debug)
	stopProfiling := startProfiling()
	defer stopProfiling()
	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	return tf6server.Serve(address, func() tfprotov6.ProviderServer {
		return Wrap(newServer())
	}, opts...)
}
