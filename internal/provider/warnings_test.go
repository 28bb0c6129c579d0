package provider

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// loggedWarning is a warning diagnostic the provider returned, as
// terraform-plugin-go logs it ("Response contains warning diagnostic").
type loggedWarning struct {
	RPC     string `json:"tf_rpc"`
	Summary string `json:"diagnostic_summary"`
	Detail  string `json:"diagnostic_detail"`
}

// captureWarnings makes the warnings the provider returns during the test
// readable: terraform-plugin-testing shows a test no diagnostics but
// errors, while the provider's protocol layer logs every warning with its
// summary and detail. The provider under test writes its log to
// TF_LOG_PATH; the returned function reads the
// warnings logged so far. The test must not be parallel (it sets the
// environment).
func captureWarnings(t *testing.T) func() []loggedWarning {
	t.Helper()
	logPath := filepath.Join(t.TempDir(), "provider.log")
	// TF_ACC_LOG_PATH would force the text format; TF_LOG=JSON with
	// TF_LOG_PATH makes both the provider's sink and the CLI log JSON lines.
	t.Setenv("TF_LOG", "JSON")
	t.Setenv("TF_LOG_PATH", logPath)
	t.Setenv("TF_ACC_LOG", "")
	t.Setenv("TF_ACC_LOG_PATH", "")
	t.Setenv("TF_LOG_PATH_MASK", "")
	t.Setenv("TF_LOG_CORE", "")
	t.Setenv("TF_LOG_PROVIDER", "")
	return func() []loggedWarning {
		data, err := os.ReadFile(logPath)
		if err != nil {
			return nil
		}
		var out []loggedWarning
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
		for sc.Scan() {
			line := sc.Bytes()
			if !bytes.Contains(line, []byte("Response contains warning diagnostic")) {
				continue
			}
			if i := bytes.IndexByte(line, '{'); i >= 0 {
				var w loggedWarning
				if json.Unmarshal(line[i:], &w) == nil && w.Summary != "" {
					out = append(out, w)
				}
			}
		}
		return out
	}
}

// findWarning returns the first warning with this summary logged by rpc
// ("" for any) whose detail contains every part, and whether there is one.
func findWarning(warnings []loggedWarning, rpc, summary string, parts ...string) (loggedWarning, bool) {
	for _, w := range warnings {
		if w.Summary != summary || (rpc != "" && w.RPC != rpc) {
			continue
		}
		all := true
		for _, p := range parts {
			if !strings.Contains(w.Detail, p) {
				all = false
				break
			}
		}
		if all {
			return w, true
		}
	}
	return loggedWarning{}, false
}
