package pluginserver

import (
	"os"
	"path/filepath"
	"testing"
)

// A build with the scimprofile tag writes its profiles where profileEnv
// says; one without writes none.
func TestProfiling(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(profileEnv, dir)
	startProfiling()()
	entries, _ := os.ReadDir(dir)
	if !profilingCompiledIn {
		if len(entries) != 0 {
			t.Errorf("a build without scimprofile wrote %v", entries)
		}
		return
	}
	for _, suffix := range []string{"cpu.pprof", "heap-exit.pprof", "memory.txt"} {
		if matches, _ := filepath.Glob(filepath.Join(dir, "provider-*-"+suffix)); len(matches) != 1 {
			t.Errorf("no single provider-*-%s in %v", suffix, entries)
		}
	}
}
