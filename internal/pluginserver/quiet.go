package pluginserver

import (
	"os"
	"strings"
)

// quietUnlessLogged turns off, at the source, the logs Terraform would
// discard. terraform-plugin-log defaults every logger to TRACE and leaves
// the filtering to Terraform, so with TF_LOG unset each call still encodes
// its trace lines as JSON and sends them over stderr to be thrown away: in a
// plan of 1,000 accounts that was about an eighth of the provider's CPU.
// Terraform shows provider logs only when TF_LOG or TF_LOG_PROVIDER is set
// (to anything but "off"); the provider process inherits Terraform's
// environment, so it sees the same variables. When neither is set, the SDK,
// framework, protocol and provider loggers are set to "off", each only if
// its own variable is unset, so an explicit setting still wins.
func quietUnlessLogged(debug bool) {
	if debug {
		return
	}
	for _, v := range []string{"TF_LOG", "TF_LOG_PROVIDER"} {
		if l := strings.TrimSpace(os.Getenv(v)); l != "" && !strings.EqualFold(l, "off") {
			return
		}
	}
	for _, v := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_SCIM"} {
		if _, set := os.LookupEnv(v); !set {
			_ = os.Setenv(v, "off")
		}
	}
}
