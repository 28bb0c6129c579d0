package main

import (
	"testing"
	"time"
)

// The same-size no-op's padding makes a record as large as an account in
// the state file: the difference per instance, less what the padding's own
// line takes; never negative.
func TestPadFor(t *testing.T) {
	for _, c := range []struct {
		name        string
		ours, noop  int64
		accounts    int
		wantPadding int
	}{
		{"an account of 1,744 bytes, a record of 427", 1_744_000, 427_000, 1000, 1744 - 427 - padLine},
		{"a remainder is dropped", 1_000_999, 500_000, 1000, 500 - padLine},
		{"no larger than the record", 400_000, 427_000, 1000, 0},
		{"a difference smaller than the line", 427_000 + 10_000, 427_000, 1000, 0},
		{"no accounts", 1000, 0, 0, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := padFor(sample{stateBytes: c.ours, accounts: c.accounts}, sample{stateBytes: c.noop, accounts: c.accounts})
			if got != c.wantPadding {
				t.Errorf("padFor = %d, want %d", got, c.wantPadding)
			}
		})
	}
	if padLine != 23 {
		t.Errorf("padLine = %d: the line `\"pad\": \"\",` at 12 spaces with its newline is 23 bytes", padLine)
	}
}

// The median takes each measure's own middle value, the state's size
// included.
func TestMedianOfEachMeasure(t *testing.T) {
	m := median([]sample{
		{wall: 3 * time.Second, stateBytes: 10, accounts: 5},
		{wall: 1 * time.Second, stateBytes: 30, accounts: 5},
		{wall: 2 * time.Second, stateBytes: 20, accounts: 5},
	})
	if m.wall != 2*time.Second || m.stateBytes != 20 || m.accounts != 5 {
		t.Errorf("median = %+v, want wall 2s, stateBytes 20, accounts 5", m)
	}
}

// A ratio of times or of sizes has two decimals, and none without a
// positive divisor.
func TestRatio(t *testing.T) {
	if got := ratio(3*time.Second, 2*time.Second); got != "1.50" {
		t.Errorf("ratio of times = %s, want 1.50", got)
	}
	if got := ratio(int64(1744), int64(427)); got != "4.08" {
		t.Errorf("ratio of sizes = %s, want 4.08", got)
	}
	if got := ratio(int64(1), int64(0)); got != "n/a" {
		t.Errorf("ratio to zero = %s, want n/a", got)
	}
}
