package pluginserver

import (
	"os"
	"testing"
)

// quietedLoggers are the loggers quietUnlessLogged turns off.
var quietedLoggers = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_SCIM"}

func TestQuietUnlessLogged(t *testing.T) {
	tests := []struct {
		name  string
		debug bool
		env   map[string]string // unset when absent
		want  map[string]string // each quieted logger's value; "" means unset
	}{
		{name: "no logging asked for", want: map[string]string{
			"TF_LOG_SDK": "off", "TF_LOG_SDK_PROTO": "off", "TF_LOG_SDK_FRAMEWORK": "off", "TF_LOG_PROVIDER_SCIM": "off"}},
		{name: "TF_LOG off counts as unset", env: map[string]string{"TF_LOG": " OFF "}, want: map[string]string{
			"TF_LOG_SDK": "off", "TF_LOG_SDK_PROTO": "off", "TF_LOG_SDK_FRAMEWORK": "off", "TF_LOG_PROVIDER_SCIM": "off"}},
		{name: "an explicit logger level wins", env: map[string]string{"TF_LOG_PROVIDER_SCIM": "debug"}, want: map[string]string{
			"TF_LOG_SDK": "off", "TF_LOG_SDK_PROTO": "off", "TF_LOG_SDK_FRAMEWORK": "off", "TF_LOG_PROVIDER_SCIM": "debug"}},
		{name: "TF_LOG set", env: map[string]string{"TF_LOG": "trace"}, want: map[string]string{}},
		{name: "TF_LOG_PROVIDER set", env: map[string]string{"TF_LOG_PROVIDER": "info"}, want: map[string]string{}},
		{name: "debug", debug: true, want: map[string]string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, v := range append([]string{"TF_LOG", "TF_LOG_PROVIDER"}, quietedLoggers...) {
				t.Setenv(v, "") // restored after the test
				if value, ok := tc.env[v]; ok {
					t.Setenv(v, value)
				} else {
					_ = os.Unsetenv(v)
				}
			}
			quietUnlessLogged(tc.debug)
			for _, v := range quietedLoggers {
				if got := os.Getenv(v); got != tc.want[v] {
					t.Errorf("%s = %q, want %q", v, got, tc.want[v])
				}
			}
		})
	}
}
