// Command e2ebench measures the provider end to end with the real terraform
// CLI, as `make bench` runs it: N accounts of one app against the local SCIM
// target, beside N terraform_data resources (Terraform's own floor), N
// records of a no-op framework provider, and N records of that provider
// padded to this provider's state size per instance, in the same run,
// interleaved over several rounds so a noisy machine affects all alike. It
// prints, for apply (N creates) and refresh (a plan with no changes): the
// median wall time of each, the CPU of Terraform and of each provider, the
// ratios, the app's requests per account from the target's request log,
// the providers' peak memory (VmHWM) and the state file's size per
// instance. It is a benchmark, not a test: it fails only when it cannot
// run. N above 1,024 works (`-n 10000`).
//
//	go run ./internal/e2ebench -n 1000 -rounds 3
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/openscim/terraform-provider-scim/internal/scimtarget"
)

const token = "bench-token"

func main() {
	n := flag.Int("n", 1000, "accounts (and terraform_data resources) per round")
	rounds := flag.Int("rounds", 3, "interleaved rounds; 0 runs only the rate-limit scenario")
	tf := flag.String("terraform", "terraform", "the terraform CLI")
	rps := flag.String("requests-per-second", "", "provider requests_per_second (empty: the provider's default)")
	vendor := flag.String("vendor", "aws_identity_center", "after the rounds, refresh N accounts of an app with this local target personality (scim-target -personality list), against Terraform's floor; empty skips it")
	limit := flag.Int("rate-limit", 100, "requests per second the target enforces (429 beyond) in the rate-limit scenario; 0 skips it")
	seed := flag.Int("seed-from", 0, "apply this many accounts for real, then grow state and app to N by copying the first account, and measure the refresh only (Terraform's own apply of 10,000 resources takes most of an hour)")
	flag.IntVar(&perResource, "per-resource", 0, "split the N instances into resources of this many each (0: one resource); use 1000 for N=10000")
	flag.IntVar(&groupMembers, "group-members", 10000, "after the rounds, measure a group of this many members: its refresh and a change of 10 members; 0 skips it")
	profile := flag.String("profile", "", "directory for the provider's CPU and heap profiles, one subdirectory per measured command (go tool pprof reads them); builds the provider with -tags scimprofile")
	flag.BoolVar(&sizedNoop, "sized-noop", true, "also measure the no-op provider with each record padded to this provider's state size per instance (what Terraform charges for the bytes alone)")
	flag.BoolVar(&keepWork, "keep", false, "keep the working directories (configurations, states, logs) and print where")
	flag.Parse()
	profileDir = *profile
	seedFrom = *seed
	vendorRefreshOf = *vendor
	if err := run(*n, *rounds, *tf, *rps, *limit); err != nil {
		fmt.Fprintln(os.Stderr, "e2ebench:", err)
		os.Exit(1)
	}
}

// profileDir, when set, receives the provider's profiles of each measured
// command; the provider is then built with the scimprofile tag, which the
// profiling needs (see SCIM_PROVIDER_PROFILE_DIR in
// internal/pluginserver/profile_env.go).
var profileDir string

// sizedNoop adds the fourth subject of each round: the no-op provider with
// its records padded to this provider's state size per instance.
var sizedNoop bool

// padLine is what a record's padding costs in the state file beyond its
// bytes: the line `"pad": "",` at the depth of an instance's attributes.
const padLine = len(`            "pad": "",`) + 1

// padFor is the padding that gives a no-op record the state size per
// instance of this provider's account, from the two applies of one round.
func padFor(ours, noop sample) int {
	if ours.accounts <= 0 {
		return 0
	}
	return max(int((ours.stateBytes-noop.stateBytes)/int64(ours.accounts))-padLine, 0)
}

// keepWork keeps the working directories for a look afterwards.
var keepWork bool

// vendorRefreshOf, when set, is the personality of the vendor scenario
// (vendorRefresh).
var vendorRefreshOf string

// groupMembers, when positive, is the size of the group scenario
// (groupScale).
var groupMembers int

// seedFrom, when set, is how many accounts are created for real before the
// state and the app are grown to N (see seed.go).
var seedFrom int

type sample struct {
	wall     time.Duration
	requests int
	peakKB   int64
	// stateBytes is the size of the state file after the command.
	stateBytes int64
	// accounts is how many accounts the command handled.
	accounts int
	// cpu is the user and system CPU time of the provider processes.
	cpu time.Duration
	// totalCPU is the user and system CPU time of the terraform command
	// and every process it waited for (its providers among them).
	totalCPU time.Duration
}

func run(n, rounds int, tf, rps string, limit int) error {
	if rounds <= 0 && limit <= 0 {
		return errors.New("nothing to run: -rounds 0 needs a -rate-limit")
	}
	work, err := os.MkdirTemp("", "scim-e2ebench-")
	if err != nil {
		return err
	}
	if keepWork {
		fmt.Printf("keeping the working directories in %s\n", work)
	} else {
		defer func() { _ = os.RemoveAll(work) }()
	}
	bin := filepath.Join(work, "bin")
	fmt.Printf("building the provider and the no-op provider into %s\n", bin)
	buildArgs := []string{"build", "-o", filepath.Join(bin, "terraform-provider-scim")}
	if profileDir != "" {
		buildArgs = append(buildArgs, "-tags", "scimprofile")
	}
	for _, args := range [][]string{append(buildArgs, "."), {"build", "-o", filepath.Join(bin, "terraform-provider-noop"), "./internal/e2ebench/noopprovider"}} {
		build := exec.Command("go", args...)
		build.Stdout, build.Stderr = os.Stdout, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("go %s: %w", strings.Join(args, " "), err)
		}
	}
	rc := filepath.Join(work, "terraformrc")
	if err := os.WriteFile(rc, []byte(fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"openscim/scim\" = %q\n    \"openscim/noop\" = %q\n  }\n  direct {}\n}\n", bin, bin)), 0o644); err != nil {
		return err
	}
	env := append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_LOG=", "TF_LOG_PATH=")

	// The subjects of each round, in the order they run: Terraform's own
	// floor, the no-op framework provider, this provider, and the no-op
	// provider again with each record padded to this provider's state size
	// per instance (sizedNoop): what Terraform charges for the bytes alone.
	const floor, noop, scim, sized = 0, 1, 2, 3
	var applies, refreshes [4][]sample
	for r := 1; r <= rounds; r++ {
		fmt.Printf("round %d/%d (N=%d)\n", r, rounds, n)
		applyN := n
		if seedFrom > 0 && seedFrom < n {
			applyN = seedFrom
		}
		target, baseURL, stop, err := startTarget(scimtarget.Options{})
		if err != nil {
			return err
		}
		dirs := [4]string{filepath.Join(work, fmt.Sprintf("floor-%d", r)), filepath.Join(work, fmt.Sprintf("noop-%d", r)), filepath.Join(work, fmt.Sprintf("scim-%d", r)), filepath.Join(work, fmt.Sprintf("sized-%d", r))}
		write := func(count int) error {
			if err := writeFloor(dirs[floor], count); err != nil {
				return err
			}
			if err := writeNoop(dirs[noop], count); err != nil {
				return err
			}
			if err := writeNoop(dirs[sized], count); err != nil {
				return err
			}
			return writeSCIM(dirs[scim], baseURL, count, rps)
		}
		// The padding of the sized no-op's records, set from this
		// provider's apply in this round, and kept for the refresh (it is
		// part of the record's schema).
		pad := 0
		if err := write(applyN); err != nil {
			stop()
			return err
		}
		grow := func() error {
			if applyN == n {
				return nil
			}
			fmt.Printf("  growing state and app from %d to %d accounts\n", applyN, n)
			if err := write(n); err != nil {
				return err
			}
			if err := growState(dirs[floor], "terraform_data", applyN, n, nil); err != nil {
				return err
			}
			if err := growState(dirs[noop], "noop_record", applyN, n, nil); err != nil {
				return err
			}
			if sizedNoop {
				if err := growState(dirs[sized], "noop_record", applyN, n, nil); err != nil {
					return err
				}
			}
			return growState(dirs[scim], "scim_provisioned_user", applyN, n, copyAccount(target))
		}
		// Interleaved: each subject's apply, then each one's refresh.
		for phase, args := range [][]string{
			{"apply", "-auto-approve", "-input=false", "-no-color"},
			{"plan", "-input=false", "-no-color", "-detailed-exitcode"},
		} {
			if phase == 1 {
				if err := grow(); err != nil {
					stop()
					return err
				}
			}
			for subject, dir := range dirs {
				if subject == sized && !sizedNoop {
					continue
				}
				stepEnv := env
				if subject == sized {
					if phase == 0 {
						pad = padFor(applies[scim][len(applies[scim])-1], applies[noop][len(applies[noop])-1])
					}
					stepEnv = append(append([]string(nil), env...), fmt.Sprintf("NOOP_PAD_BYTES=%d", pad))
				}
				if subject == scim {
					target.ResetRequests()
					if profileDir != "" {
						d := filepath.Join(profileDir, fmt.Sprintf("round%d-%s", r, args[0]))
						if err := os.MkdirAll(d, 0o755); err != nil {
							stop()
							return err
						}
						stepEnv = append(append([]string(nil), env...), "SCIM_PROVIDER_PROFILE_DIR="+d)
					}
				}
				smp, err := timed(tf, dir, stepEnv, args)
				if err != nil {
					stop()
					return err
				}
				smp.accounts = n
				if phase == 0 {
					smp.accounts = applyN
				}
				if subject == scim {
					smp.requests = appRequests(target, "/Users")
				}
				if fi, err := os.Stat(filepath.Join(dir, "terraform.tfstate")); err == nil {
					smp.stateBytes = fi.Size()
				}
				if phase == 0 {
					applies[subject] = append(applies[subject], smp)
				} else {
					refreshes[subject] = append(refreshes[subject], smp)
				}
			}
		}
		stop()
	}

	if rounds <= 0 {
		// Only the rate-limited scenario, bounded by the ideal time alone.
		return rateLimited(work, tf, env, n, rps, limit, 0)
	}
	fmt.Printf("\nN = %d, %d interleaved rounds, medians. Core floor: N terraform_data (no plugin); no-op provider: N noop_record of a\n", n, rounds)
	fmt.Printf("terraform-plugin-framework provider that stores a map and calls nothing (what any framework provider pays per instance).\n")
	fmt.Printf("CPU is user + system time; Terraform's is the command's own, its providers' taken out.\n\n")
	if sizedNoop {
		fmt.Printf("Same-size no-op: the no-op provider again, each record padded with a string to this provider's state per instance.\n")
	}
	fmt.Printf("\n| measure | core floor | no-op provider | this provider | same-size no-op | ours / core | ours / no-op | ours / same-size no-op |\n|---|---|---|---|---|---|---|---|\n")
	table := func(name string, s [4][]sample, withBytes bool) {
		f, o, p := median(s[floor]), median(s[noop]), median(s[scim])
		z, haveSized := sample{}, len(s[sized]) > 0
		if haveSized {
			z = median(s[sized])
		}
		d := func(v time.Duration) string { return v.Round(10 * time.Millisecond).String() }
		// row prints one measure of the four subjects (the floor's and
		// the providers' own may be absent: "—") and this provider's
		// ratios to the others.
		row := func(measure string, get func(sample) time.Duration, withFloor bool, note string) {
			fl, flRatio, sz, szRatio := "—", "—", "—", "—"
			if withFloor {
				fl, flRatio = d(get(f)), ratio(get(p), get(f))
			}
			if haveSized {
				sz, szRatio = d(get(z)), ratio(get(p), get(z))
			}
			fmt.Printf("| %s: %s | %s | %s | %s%s | %s | %s | %s | %s |\n", name, measure, fl, d(get(o)), d(get(p)), note, sz, flRatio, ratio(get(p), get(o)), szRatio)
		}
		row("wall", func(v sample) time.Duration { return v.wall }, true, fmt.Sprintf(" (%d requests)", p.requests))
		row("CPU, Terraform + provider", func(v sample) time.Duration { return v.totalCPU }, true, "")
		row("CPU, Terraform", func(v sample) time.Duration { return v.totalCPU - v.cpu }, true, "")
		row("CPU, provider", func(v sample) time.Duration { return v.cpu }, false, "")
		sz := "—"
		if haveSized {
			sz = mib(z.peakKB)
		}
		fmt.Printf("| %s: provider peak memory | — | %s | %s | %s | — | — | — |\n", name, mib(o.peakKB), mib(p.peakKB), sz)
		if !withBytes {
			return
		}
		// Terraform writes the whole state file after each instance it
		// applies, under its state lock: an apply's cost grows with the
		// bytes each instance carries (DESIGN.md, "What a command costs
		// per account").
		per := func(v sample) string { return fmt.Sprintf("%d B", v.stateBytes/int64(max(v.accounts, 1))) }
		szBytes, szBytesRatio := "—", "—"
		if haveSized {
			szBytes, szBytesRatio = per(z), ratio(p.stateBytes, z.stateBytes)
		}
		fmt.Printf("| %s: state file per instance | %s | %s | %s | %s | %s | %s | %s |\n", name, per(f), per(o), per(p), szBytes, ratio(p.stateBytes, f.stateBytes), ratio(p.stateBytes, o.stateBytes), szBytesRatio)
	}
	applyName := "apply of N creates"
	if seedFrom > 0 && seedFrom < n {
		applyName = fmt.Sprintf("apply of %d creates (before growing to N)", seedFrom)
	}
	table(applyName, applies, true)
	// A plan does not write the state file (and a grown one is written
	// without Terraform's indentation), so its size is the apply's.
	table("refresh (plan, no changes)", refreshes, false)
	fmt.Printf("\napp requests per account: apply %.3f, refresh %.3f\n",
		float64(median(applies[scim]).requests)/float64(max(median(applies[scim]).accounts, 1)),
		float64(median(refreshes[scim]).requests)/float64(max(median(refreshes[scim]).accounts, 1)))
	if vendorRefreshOf != "" {
		if err := vendorRefresh(work, tf, env, n, rounds, rps, filepath.Join(work, fmt.Sprintf("floor-%d", rounds))); err != nil {
			return err
		}
	}
	if groupMembers > 0 {
		if err := groupScale(work, tf, env, groupMembers, rounds); err != nil {
			return err
		}
	}
	if limit <= 0 {
		return nil
	}
	return rateLimited(work, tf, env, n, rps, limit, median(applies[floor]).wall)
}

// vendorRefresh applies N accounts to the local target with the
// vendorRefreshOf personality (AWS IAM Identity Center: cursor pages of
// 100, startIndex and attributes ignored), then refreshes them, interleaved
// with the floor's refresh of N terraform_data resources (floorDir, already
// applied), and prints the ratio and the requests a refresh cost against
// the bound 2·⌈N/100⌉ + 5 that paging by 100 allows: a batched refresh
// rents before it buys (scim.Collection.GetFromListing), so reads of
// accounts missing from the first page cost at most as many requests as
// the rest of the listing, which is then read; the 5 are the first page, the
// credentials check and a margin.
func vendorRefresh(work, tf string, env []string, n, rounds int, rps, floorDir string) error {
	t, base, stop, err := startTarget(scimtarget.Options{Personality: vendorRefreshOf})
	if err != nil {
		return err
	}
	defer stop()
	dir := filepath.Join(work, "vendor-"+vendorRefreshOf)
	if err := writeVendorSCIM(dir, base, n, rps, vendorRefreshOf); err != nil {
		return err
	}
	fmt.Printf("\nvendor scenario: %d accounts in an app with the %s personality\n", n, vendorRefreshOf)
	if _, err := timed(tf, dir, env, []string{"apply", "-auto-approve", "-input=false", "-no-color"}); err != nil {
		return err
	}
	var floor, prov []sample
	plan := []string{"plan", "-input=false", "-no-color", "-detailed-exitcode"}
	for r := 0; r < max(rounds, 1); r++ {
		f, err := timed(tf, floorDir, env, plan)
		if err != nil {
			return err
		}
		floor = append(floor, f)
		t.ResetRequests()
		p, err := timed(tf, dir, env, plan)
		if err != nil {
			return err
		}
		p.requests = appRequests(t, "/Users", "/Groups")
		p.accounts = n
		prov = append(prov, p)
	}
	f, p := median(floor), median(prov)
	fmt.Printf("\n| measure | floor | provider | ratio | app requests | bound (2·N/100 + 5) | provider peak memory | provider CPU |\n|---|---|---|---|---|---|---|---|\n")
	fmt.Printf("| refresh, %s personality | %s | %s | %.2f | %d | %d | %s | %s |\n", vendorRefreshOf, f.wall.Round(10*time.Millisecond),
		p.wall.Round(10*time.Millisecond), float64(p.wall)/float64(f.wall), p.requests, 2*((n+99)/100)+5, mib(p.peakKB), p.cpu.Round(10*time.Millisecond))
	return nil
}

// rateLimited creates N accounts in an app that serves limit requests per
// second and answers 429 (with Retry-After and X-RateLimit-* headers)
// beyond, and prints how long it took against the larger of the floor's
// apply and the ideal N/limit seconds, and whether every account was
// created exactly once.
func rateLimited(work, tf string, env []string, n int, rps string, limit int, floor time.Duration) error {
	target, baseURL, stop, err := startTarget(scimtarget.Options{RateLimit: limit})
	if err != nil {
		return err
	}
	defer stop()
	dir := filepath.Join(work, "rate-limited")
	if err := writeSCIM(dir, baseURL, n, rps); err != nil {
		return err
	}
	fmt.Printf("\nrate-limit scenario: %d creates against an app enforcing %d requests per second\n", n, limit)
	smp, err := timed(tf, dir, env, []string{"apply", "-auto-approve", "-input=false", "-no-color"})
	errors := 0
	if err != nil {
		errors = 1
		fmt.Println(tail(err.Error(), 20))
	}
	ideal := time.Duration(float64(n) / float64(limit) * float64(time.Second))
	bound := max(floor, ideal)
	refused := 0
	posts := 0
	for _, r := range target.Requests() {
		if r.Status == http.StatusTooManyRequests {
			refused++
		}
		if r.Method == http.MethodPost && r.Status == http.StatusCreated {
			posts++
		}
	}
	seen := map[string]int{}
	for _, u := range target.Users() {
		seen[fmt.Sprint(u["userName"])]++
	}
	dupes := 0
	for _, c := range seen {
		if c > 1 {
			dupes++
		}
	}
	fmt.Printf("\n| measure | value |\n|---|---|\n")
	fmt.Printf("| wall time | %s |\n", smp.wall.Round(10*time.Millisecond))
	if floor > 0 {
		fmt.Printf("| ratio to max(floor apply %s, ideal %s) | %.2f |\n", floor.Round(10*time.Millisecond), ideal, float64(smp.wall)/float64(bound))
	} else {
		fmt.Printf("| ratio to the ideal %s | %.2f |\n", ideal, float64(smp.wall)/float64(bound))
	}
	fmt.Printf("| terraform errors | %d |\n", errors)
	fmt.Printf("| accounts created | %d of %d, %d userNames more than once |\n", posts, n, dupes)
	fmt.Printf("| requests answered 429 | %d |\n", refused)
	return nil
}

func mib(kb int64) string {
	if kb <= 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.0f MiB", float64(kb)/1024)
}

// ratio is a/b with two decimals, "n/a" when b is not positive: of times
// and of sizes alike.
func ratio[T ~int64](a, b T) string {
	if b <= 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.2f", float64(a)/float64(b))
}

// median is the sample with the median wall time, with the median request
// count and peak memory of all samples.
func median(s []sample) sample {
	pick := func(less func(a, b sample) bool) sample {
		c := append([]sample(nil), s...)
		sort.Slice(c, func(i, j int) bool { return less(c[i], c[j]) })
		return c[len(c)/2]
	}
	return sample{
		wall:       pick(func(a, b sample) bool { return a.wall < b.wall }).wall,
		requests:   pick(func(a, b sample) bool { return a.requests < b.requests }).requests,
		peakKB:     pick(func(a, b sample) bool { return a.peakKB < b.peakKB }).peakKB,
		cpu:        pick(func(a, b sample) bool { return a.cpu < b.cpu }).cpu,
		totalCPU:   pick(func(a, b sample) bool { return a.totalCPU < b.totalCPU }).totalCPU,
		stateBytes: pick(func(a, b sample) bool { return a.stateBytes < b.stateBytes }).stateBytes,
		accounts:   s[0].accounts,
	}
}

// appRequests counts the requests under the given paths (/Users, /Groups),
// leaving out discovery.
func appRequests(t *scimtarget.Target, paths ...string) int {
	n := 0
	for _, r := range t.Requests() {
		for _, p := range paths {
			if strings.HasPrefix(r.Path, p) {
				n++
				break
			}
		}
	}
	return n
}

// timed runs one terraform command and reports its wall time and the peak
// resident memory of the provider processes it started (polled from
// /proc, where available).
func timed(tf, dir string, env, args []string) (sample, error) {
	cmd := exec.Command(tf, args...)
	cmd.Dir, cmd.Env = dir, env
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	ctx, cancel := context.WithCancel(context.Background())
	var peak int64
	cpuTicks := map[string]int64{}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			kb, ticks := providerStats()
			peak = max(peak, kb)
			for pid, t := range ticks {
				cpuTicks[pid] = t
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}()
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	cancel()
	wg.Wait()
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit) && exit.ExitCode() == 2 && args[0] == "plan":
		// -detailed-exitcode: the plan after the apply has changes.
		return sample{}, fmt.Errorf("terraform plan in %s after apply is not empty:\n%s", dir, tail(out.String(), 40))
	default:
		return sample{}, fmt.Errorf("terraform %s in %s: %v\n%s", strings.Join(args, " "), dir, err, tail(out.String(), 40))
	}
	var ticks int64
	for _, t := range cpuTicks {
		ticks += t
	}
	total := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	return sample{wall: wall, peakKB: peak, cpu: time.Duration(ticks) * time.Second / clockTicks, totalCPU: total}, nil
}

func tail(s string, lines int) string {
	parts := strings.Split(s, "\n")
	if len(parts) > lines {
		parts = parts[len(parts)-lines:]
	}
	return strings.Join(parts, "\n")
}

// clockTicks is USER_HZ, the unit of CPU times in /proc/<pid>/stat (100 on
// Linux on every architecture Go supports).
const clockTicks = 100

// providerStats reports the largest VmHWM of the running
// terraform-provider-scim processes and each one's CPU time so far (user
// plus system, in clock ticks, by pid); nothing where /proc is not
// available. The poller keeps each process's last reading, so a process
// that exits between polls loses at most one interval of its CPU time.
func providerStats() (peakKB int64, ticks map[string]int64) {
	ticks = map[string]int64{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		comm, err := os.ReadFile(filepath.Join("/proc", e.Name(), "comm"))
		if err != nil || !strings.HasPrefix(strings.TrimSpace(string(comm)), "terraform-provi") {
			continue
		}
		if stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat")); err == nil {
			// Fields after the command name, which is in parentheses:
			// utime and stime are the 12th and 13th.
			if i := strings.LastIndexByte(string(stat), ')'); i >= 0 {
				f := strings.Fields(string(stat)[i+1:])
				if len(f) > 12 {
					u, _ := strconv.ParseInt(f[11], 10, 64)
					s, _ := strconv.ParseInt(f[12], 10, 64)
					ticks[e.Name()] = u + s
				}
			}
		}
		f, err := os.Open(filepath.Join("/proc", e.Name(), "status"))
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
				kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
				peakKB = max(peakKB, kb)
			}
		}
		f.Close()
	}
	return peakKB, ticks
}

// startTarget serves a local target with opts (its token and base URL set
// here) on 127.0.0.1, and returns it, its base URL and what stops it.
func startTarget(opts scimtarget.Options) (*scimtarget.Target, string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", nil, err
	}
	base := "http://" + ln.Addr().String() + scimtarget.BasePath
	opts.BearerTokens, opts.BaseURL = []string{token}, base
	t := scimtarget.New(opts)
	srv := &http.Server{Handler: t.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return t, base, func() { _ = srv.Close() }, nil
}

// writePeople writes the people of each resource as a user keeps them, a
// JSON file of profiles per team or app (people-<j>.json: p00000 => {email,
// given_name, family_name, title, department}, every value derived from
// the key), and returns the locals block that reads them.
func writePeople(dir string, n int) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	var locals strings.Builder
	locals.WriteString("locals {\n")
	for j, blk := range blocks(n) {
		people := map[string]map[string]string{}
		for i := blk[0]; i < blk[1]; i++ {
			key := fmt.Sprintf("p%05d", i)
			people[key] = map[string]string{
				"email":       key + "@example.com",
				"given_name":  "Given " + key,
				"family_name": "Family",
				"title":       "Engineer",
				"department":  "R&D",
			}
		}
		b, err := json.MarshalIndent(people, "", "  ")
		if err != nil {
			return "", err
		}
		file := fmt.Sprintf("people-%d.json", j)
		if err := os.WriteFile(filepath.Join(dir, file), b, 0o644); err != nil {
			return "", err
		}
		fmt.Fprintf(&locals, "  %s = jsondecode(file(\"${path.module}/%s\"))\n", peopleLocal(j), file)
	}
	locals.WriteString("}\n")
	return locals.String(), nil
}

// peopleLocal is the local value holding the j-th resource's people.
func peopleLocal(j int) string { return fmt.Sprintf("people_%d", j) }

// personResources writes the people (writePeople) and returns the
// configuration of one resource of type typ per person, split as blocks
// says, each with for_each over its people and the given arguments.
func personResources(dir string, n int, typ, args string) (string, error) {
	locals, err := writePeople(dir, n)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString(locals)
	for j := range blocks(n) {
		fmt.Fprintf(&b, "\nresource %q %q {\n  for_each = local.%s\n%s}\n", typ, blockName(j), peopleLocal(j), args)
	}
	return b.String(), nil
}

// writeFloor writes N terraform_data resources, one per person: Terraform's
// own floor, no plugin at all.
func writeFloor(dir string, n int) error {
	body, err := personResources(dir, n, "terraform_data", "  input = each.value\n")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "main.tf"), []byte(body), 0o644)
}

// writeNoop writes N noop_record resources of the no-op framework provider
// (internal/e2ebench/noopprovider), one per person.
func writeNoop(dir string, n int) error {
	body, err := personResources(dir, n, "noop_record", "  values = each.value\n")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "main.tf"), []byte(`terraform {
  required_providers {
    noop = { source = "openscim/noop" }
  }
}

`+body), 0o644)
}

// perResource, when positive, splits the N instances into resources of
// that many each (person_0, person_1, ...), as a configuration of many
// apps has them; 0 keeps them in one resource. Terraform's own cost of a
// plan grows faster than linearly in the instances of one resource (10,000
// in one took more than an hour here), so a 10,000-account measurement is
// only meaningful split.
var perResource int

// blocks are the [from, to) key ranges of the resources of n instances.
func blocks(n int) [][2]int {
	if perResource <= 0 || n <= perResource {
		return [][2]int{{0, n}}
	}
	var out [][2]int
	for from := 0; from < n; from += perResource {
		out = append(out, [2]int{from, min(from+perResource, n)})
	}
	return out
}

// blockName is the name of the j-th resource.
func blockName(j int) string {
	if perResource <= 0 {
		return "person"
	}
	return fmt.Sprintf("person_%d", j)
}

func writeSCIM(dir, baseURL string, n int, rps string) error {
	return writeVendorSCIM(dir, baseURL, n, rps, "")
}

// writeVendorSCIM is writeSCIM for an app with a vendor profile (none when
// vendor is ""): the app names it, and the mapping gives the displayName
// AWS IAM Identity Center requires.
func writeVendorSCIM(dir, baseURL string, n int, rps, vendor string) error {
	users, err := personResources(dir, n, "scim_provisioned_user", `  connected_app_id  = scim_connected_app.app.id
  compatibility     = scim_connected_app.app.compatibility
  attribute_mapping = scim_attribute_mapping.app.encoded
  profile           = each.value
`)
	if err != nil {
		return err
	}
	pacing := ""
	if rps != "" {
		pacing = "  requests_per_second = " + rps + "\n"
	}
	vendorApp, vendorRules := "", ""
	if vendor != "" {
		vendorApp = fmt.Sprintf("  compatibility = { vendor = %q }\n", vendor)
		vendorRules = "\n    { target = \"displayName\", template = \"{given_name} {family_name}\" },"
	}
	return os.WriteFile(filepath.Join(dir, "main.tf"), []byte(fmt.Sprintf(`
terraform {
  required_providers {
    scim = { source = "openscim/scim" }
  }
}

provider "scim" {
  credentials = [{ url = %[1]q, bearer_token = %[2]q }]
%[4]s}

resource "scim_connected_app" "app" {
  name     = "bench"
  base_url = %[1]q
%[5]s}

resource "scim_attribute_mapping" "app" {
  connected_app_id = scim_connected_app.app.id
  rules = [
    { target = "userName", source = "email" },%[6]s
    { target = "name.givenName", source = "given_name" },
    { target = "name.familyName", source = "family_name" },
    { target = "emails[type eq \"work\"].value", source = "email" },
    { target = "title", source = "title" },
    { target = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", source = "department" },
  ]
}

%[3]s`, baseURL, token, users, pacing, vendorApp, vendorRules)), 0o644)
}
