//go:build scimprofile

package pluginserver

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"time"
)

// profilingCompiledIn says whether this build can profile.
const profilingCompiledIn = true

// startProfiling starts the profiles that profileEnv asks for and returns
// the function that writes them out. This is the scimprofile build's;
// without the tag, profile_off.go's only says that it cannot.
func startProfiling() (stop func()) {
	dir := os.Getenv(profileEnv)
	if dir == "" {
		return func() {}
	}
	prefix := filepath.Join(dir, fmt.Sprintf("provider-%d-", os.Getpid()))
	cpu, err := os.Create(prefix + "cpu.pprof")
	if err == nil {
		err = pprof.StartCPUProfile(cpu)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "profiling:", err)
		return func() {}
	}
	done, sampled := make(chan struct{}), make(chan struct{})
	var maxHeap, maxGoroutines uint64
	var live []string
	go func() {
		defer close(sampled)
		var ms runtime.MemStats
		var peak uint64
		for tick := 1; ; tick++ {
			select {
			case <-done:
				return
			case <-time.After(200 * time.Millisecond):
			}
			runtime.ReadMemStats(&ms)
			maxHeap = max(maxHeap, ms.HeapAlloc)
			maxGoroutines = max(maxGoroutines, uint64(runtime.NumGoroutine()))
			if ms.HeapAlloc > peak+peak/4 {
				peak = ms.HeapAlloc
				writeHeap(prefix + "heap-peak.pprof")
			}
			if tick%10 == 0 {
				runtime.GC()
				runtime.ReadMemStats(&ms)
				live = append(live, fmt.Sprintf("%d", ms.HeapAlloc/1024))
			}
		}
	}()
	return func() {
		close(done)
		<-sampled
		pprof.StopCPUProfile()
		_ = cpu.Close()
		writeHeap(prefix + "heap-exit.pprof")
		f, err := os.Create(prefix + "memory.txt")
		if err != nil {
			return
		}
		defer f.Close()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		fmt.Fprintf(f, "live heap KiB every 2 s: %v\nlive heap at exit: %d KiB\nlargest heap: %d KiB (obtained from the OS: %d KiB)\ncollections: %d\nlargest goroutine count: %d\n\n",
			live, ms.HeapAlloc/1024, maxHeap/1024, ms.HeapSys/1024, ms.NumGC, maxGoroutines)
		_ = pprof.Lookup("goroutine").WriteTo(f, 1)
	}
}

// writeHeap collects garbage first, twice (a heap profile may lag one
// collection behind), so the profile shows what is live.
func writeHeap(name string) {
	runtime.GC()
	runtime.GC()
	f, err := os.Create(name)
	if err != nil {
		return
	}
	defer f.Close()
	_ = pprof.Lookup("heap").WriteTo(f, 0)
}
