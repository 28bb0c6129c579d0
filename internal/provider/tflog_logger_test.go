package provider

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/openscim/terraform-provider-scim/internal/scim"
)

// TestTflogLoggerConcurrent logs from many goroutines under one masked
// context, as the SCIM client does when it lists a group's members or the
// rest of a batched listing in parallel. tflog applies a masking in place,
// into the map of fields the context carries, so logging under one shared
// context from two goroutines at once wrote one map concurrently: under
// load, the Go runtime ended the plugin ("fatal error: concurrent map
// writes"). go test -race reports the race whenever it happens; without
// -race the runtime detects it most of the time.
func TestTflogLoggerConcurrent(t *testing.T) {
	var out bytes.Buffer // hclog serializes its writes
	ctx := tflogtest.RootLogger(context.Background(), &out)
	ctx = tflog.SetField(ctx, "tf_rpc", "ListResource")
	ctx = tflog.MaskAllFieldValuesStrings(ctx, "s3cret-token")
	ctx = tflog.MaskMessageStrings(ctx, "s3cret-token")

	const goroutines, lines = 8, 2000
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range lines {
				tflogLogger{}.Log(ctx, scim.LogTrace, "SCIM request", map[string]any{
					"goroutine": g, "line": i, "header": "Bearer s3cret-token",
				})
			}
		}()
	}
	wg.Wait()

	got := out.String()
	if strings.Contains(got, "s3cret-token") {
		t.Fatal("a log line holds the secret the context masks")
	}
	if n := strings.Count(got, "\n"); n != goroutines*lines {
		t.Fatalf("%d log lines, want %d", n, goroutines*lines)
	}
	if !strings.Contains(got, `"tf_rpc":"ListResource"`) {
		t.Fatal("the context's fields are missing from the log lines")
	}
}
