//go:build !scimprofile

package pluginserver

import (
	"fmt"
	"os"
)

// profilingCompiledIn says whether this build can profile.
const profilingCompiledIn = false

// startProfiling, in a build without the scimprofile tag, profiles
// nothing; asked to, it says so on stderr (which Terraform logs) rather
// than leave the directory silently empty.
func startProfiling() (stop func()) {
	if os.Getenv(profileEnv) != "" {
		fmt.Fprintf(os.Stderr, "%s is set, but this build of the provider has no profiling: build it with -tags scimprofile\n", profileEnv)
	}
	return func() {}
}
