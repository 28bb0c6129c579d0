//go:build scimprofile

package pluginserver

import (
	"os"
	"path/filepath"
	"testing"
)

func TestProfilingWritesItsFiles(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(profileEnv, dir)
	startProfiling()()
	for _, suffix := range []string{"cpu.pprof", "heap-exit.pprof", "memory.txt"} {
		matches, _ := filepath.Glob(filepath.Join(dir, "provider-*-"+suffix))
		if len(matches) != 1 {
			entries, _ := os.ReadDir(dir)
			t.Errorf("no single provider-*-%s in %v", suffix, entries)
		}
	}
}
