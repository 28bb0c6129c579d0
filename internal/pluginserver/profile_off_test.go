//go:build !scimprofile

package pluginserver

import (
	"os"
	"testing"
)

// Without the scimprofile tag, asking for profiles writes none.
func TestProfilingNeedsTheBuildTag(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(profileEnv, dir)
	startProfiling()()
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a build without scimprofile wrote %v", entries)
	}
}
