// Command scim-target runs the in-memory SCIM 2.0 test target as a process,
// for the demo and for dry runs of Terraform configurations:
//
//	go run ./internal/scimtarget/cmd/scim-target -listen 127.0.0.1:8484 -token demo-token
//
// serves SCIM at http://127.0.0.1:8484/scim/v2 and the test controls at
// http://127.0.0.1:8484/scim/v2/_control/. It prints the base URL on stdout
// once listening and logs one line per request on stderr (never the
// Authorization header).
//
// -personality NAME starts from a vendor preset (capabilities and quirks;
// -personality list prints the names, summaries and sources). Flags given
// explicitly on the command line apply on top of the preset, including the
// ones that switch something off (-no-patch, -max-results); -quirk adds
// quirks to the preset's; -no-endpoint-limits drops the preset's
// per-endpoint rate limits (Slack's, Miro's, Zoom's).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/openscim/terraform-provider-scim/internal/httpstatus"
	"github.com/openscim/terraform-provider-scim/internal/scimtarget"
)

// listFlag collects a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// quirkSetters maps -quirk names to the quirk they switch on.
var quirkSetters = map[string]func(*scimtarget.Quirks){
	"no-location":                       func(q *scimtarget.Quirks) { q.NoLocationHeader = true },
	"patch-204":                         func(q *scimtarget.Quirks) { q.PatchReturnsNoContent = true },
	"case-sensitive-username":           func(q *scimtarget.Quirks) { q.CaseSensitiveUserName = true },
	"only-eq-filters":                   func(q *scimtarget.Quirks) { q.OnlyEqFilters = true },
	"lowercase-resources":               func(q *scimtarget.Quirks) { q.LowercaseResources = true },
	"conflict-without-scimtype":         func(q *scimtarget.Quirks) { q.ConflictWithoutScimType = true },
	"no-filtered-patch-paths":           func(q *scimtarget.Quirks) { q.NoFilteredPatchPaths = true },
	"no-put":                            func(q *scimtarget.Quirks) { q.NoPut = true },
	"no-empty-last-page":                func(q *scimtarget.Quirks) { q.NoEmptyLastPage = true },
	"unique-external-id":                func(q *scimtarget.Quirks) { q.UniqueExternalID = true },
	"reject-extension-attributes-param": func(q *scimtarget.Quirks) { q.RejectExtensionAttributesParam = true },
	"cursor-paging":                     func(q *scimtarget.Quirks) { q.CursorPaging = true },
	"ignore-list-params":                func(q *scimtarget.Quirks) { q.IgnoreListParams = true },
	"hidden-group-members":              func(q *scimtarget.Quirks) { q.HiddenGroupMembers = true },
	"unknown-member-filter-404":         func(q *scimtarget.Quirks) { q.UnknownMemberFilterNotFound = true },
	"no-member-replace-all":             func(q *scimtarget.Quirks) { q.NoMemberReplaceAll = true },
	"no-search":                         func(q *scimtarget.Quirks) { q.NoSearch = true },
	"no-meta-location":                  func(q *scimtarget.Quirks) { q.NoMetaLocation = true },
	"json-content-type":                 func(q *scimtarget.Quirks) { q.JSONContentType = true },
	"no-scim-type":                      func(q *scimtarget.Quirks) { q.NoScimType = true },
	"group-patch-204":                   func(q *scimtarget.Quirks) { q.PatchNoContentOn = append(q.PatchNoContentOn, "Group") },
	"no-group-put":                      func(q *scimtarget.Quirks) { q.NoPutOn = append(q.NoPutOn, "Group") },
	"list-needs-filter":                 func(q *scimtarget.Quirks) { q.ListNeedsFilter = true },
	"no-paging":                         func(q *scimtarget.Quirks) { q.NoPaging = true },
	"require-user-agent":                func(q *scimtarget.Quirks) { q.RequireUserAgent = true },
	"delete-deactivates":                func(q *scimtarget.Quirks) { q.DeleteDeactivates = append(q.DeleteDeactivates, "User") },
	"no-group-create":                   func(q *scimtarget.Quirks) { q.NoCreateOn = append(q.NoCreateOn, "Group") },
	"no-group-delete":                   func(q *scimtarget.Quirks) { q.NoDeleteOn = append(q.NoDeleteOn, "Group") },
	"patch-empty-object":                func(q *scimtarget.Quirks) { q.PatchEmptyObjectOn = append(q.PatchEmptyObjectOn, "User", "Group") },
	"delete-empty-object":               func(q *scimtarget.Quirks) { q.DeleteEmptyObjectOn = append(q.DeleteEmptyObjectOn, "User", "Group") },
	"patch-only-active":                 func(q *scimtarget.Quirks) { setPatchOps(q, "User", "active") },
	"numeric-ids":                       func(q *scimtarget.Quirks) { q.NumericIDs = true },
	"username-primary-email":            func(q *scimtarget.Quirks) { q.UserNameIsPrimaryEmail = true },
	"lowercase-username":                func(q *scimtarget.Quirks) { q.LowercaseUserName = true },
	"error-status-integer":              func(q *scimtarget.Quirks) { q.ErrorStatusInteger = true },
	"service-provider-configs-alias":    func(q *scimtarget.Quirks) { q.ServiceProviderConfigsAlias = true },
	"nested-members-patch-value":        func(q *scimtarget.Quirks) { q.NestedMembersPatchValue = true },
	"put-merges":                        func(q *scimtarget.Quirks) { q.PutMergesOn = append(q.PutMergesOn, "User", "Group") },
	"no-resource-types": func(q *scimtarget.Quirks) {
		q.MissingDiscovery = append(q.MissingDiscovery, "/ResourceTypes")
	},
	"no-schemas": func(q *scimtarget.Quirks) { q.MissingDiscovery = append(q.MissingDiscovery, "/Schemas") },
	"no-service-provider-config": func(q *scimtarget.Quirks) {
		q.MissingDiscovery = append(q.MissingDiscovery, "/ServiceProviderConfig")
	},
}

// setPatchOps restricts the PATCH of a resource type to the given
// AllowedPatchOps entries.
func setPatchOps(q *scimtarget.Quirks, resourceType string, entries ...string) {
	if q.AllowedPatchOps == nil {
		q.AllowedPatchOps = map[string][]string{}
	}
	q.AllowedPatchOps[resourceType] = entries
}

func quirkNames() string {
	var names []string
	for n := range quirkSetters {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "scim-target:", err)
		os.Exit(1)
	}
}

// run serves until ctx is canceled (SIGINT/SIGTERM in main), then shuts
// down gracefully.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("scim-target", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		listen          = fs.String("listen", "127.0.0.1:8484", "address to listen on (loopback only unless -allow-non-loopback)")
		allowNonLoop    = fs.Bool("allow-non-loopback", false, "allow listening on a non-loopback address")
		tokens, basics  listFlag
		quirks          listFlag
		etags           = fs.Bool("etags", false, "enforce If-Match on PUT, PATCH and DELETE (412 on mismatch)")
		noPatch         = fs.Bool("no-patch", false, "do not support PATCH (501)")
		noFilter        = fs.Bool("no-filter", false, "do not support filtering")
		noSort          = fs.Bool("no-sort", false, "do not support sorting")
		noETag          = fs.Bool("no-etag", false, "do not emit meta.version or ETag headers")
		bulk            = fs.Bool("bulk", false, "support /Bulk")
		changePassword  = fs.Bool("change-password", false, "allow password changes")
		maxResults      = fs.Int("max-results", 200, "maximum page size (filter.maxResults)")
		rateLimit       = fs.Int("rate-limit", 0, "serve at most this many SCIM requests per second, answering 429 with Retry-After beyond (0: no limit)")
		noEndpointRates = fs.Bool("no-endpoint-limits", false, "drop the personality's per-endpoint rate limits")
		publicDiscovery = fs.Bool("public-discovery", false, "serve discovery endpoints without authentication")
		seed            = fs.String("seed", "", "JSON file with users to load: an array of User documents, or a ListResponse")
		portFile        = fs.String("port-file", "", "write the actual listen address (host:port) to this file once listening")
		quiet           = fs.Bool("quiet", false, "do not log requests")
		personality     = fs.String("personality", "", "start from a vendor preset ("+strings.Join(scimtarget.PersonalityNames(), ", ")+"); \"list\" describes them")
	)
	fs.Var(&tokens, "token", "accepted bearer token (repeatable)")
	fs.Var(&basics, "basic", "accepted HTTP basic credentials user:pass (repeatable)")
	fs.Var(&quirks, "quirk", "enable a quirk (repeatable): "+quirkNames())
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *personality == "list" {
		printPersonalities(stdout)
		return nil
	}
	explicit := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { explicit[f.Name] = true })

	opts := scimtarget.Options{Capabilities: scimtarget.DefaultCapabilities()}
	if *personality != "" {
		p, ok := scimtarget.LookupPersonality(*personality)
		if !ok {
			return fmt.Errorf("unknown personality %q; known: %s (-personality list describes them)", *personality, strings.Join(scimtarget.PersonalityNames(), ", "))
		}
		// The preset is applied here rather than through
		// Options.Personality so that explicit flags can also switch its
		// settings off.
		opts = p.Options()
	}
	// Without a personality every flag applies, defaults included; with
	// one, only the flags given on the command line.
	set := func(name string) bool { return *personality == "" || explicit[name] }
	opts.BearerTokens = tokens
	opts.EnforceETags = opts.EnforceETags || *etags
	opts.PublicDiscovery = opts.PublicDiscovery || *publicDiscovery
	if set("rate-limit") {
		opts.RateLimit = *rateLimit
	}
	if *noEndpointRates {
		opts.RateLimits = nil
	}
	for _, b := range basics {
		u, p, ok := strings.Cut(b, ":")
		if !ok || u == "" {
			return fmt.Errorf("-basic %q: want user:pass", b)
		}
		if opts.BasicUsers == nil {
			opts.BasicUsers = map[string]string{}
		}
		opts.BasicUsers[u] = p
	}
	for _, q := range quirks {
		enable, ok := quirkSetters[strings.ToLower(q)]
		if !ok {
			return fmt.Errorf("unknown quirk %q; known: %s", q, quirkNames())
		}
		enable(&opts.Quirks)
	}
	caps := &opts.Capabilities
	for name, apply := range map[string]func(){
		"no-patch":        func() { caps.Patch = !*noPatch },
		"no-filter":       func() { caps.Filter = !*noFilter },
		"no-sort":         func() { caps.Sort = !*noSort },
		"no-etag":         func() { caps.ETag = !*noETag },
		"bulk":            func() { caps.Bulk = *bulk },
		"change-password": func() { caps.ChangePassword = *changePassword },
		"max-results":     func() { caps.FilterMaxResults = *maxResults },
	} {
		if set(name) {
			apply()
		}
	}

	if err := checkLoopback(*listen, *allowNonLoop); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok && !tcp.IP.IsLoopback() && !*allowNonLoop {
		ln.Close()
		return fmt.Errorf("%s resolved to non-loopback %s; pass -allow-non-loopback to allow it", *listen, tcp.IP)
	}
	addr := ln.Addr().String()
	opts.BaseURL = "http://" + addr + scimtarget.BasePath
	target := scimtarget.New(opts)

	if *seed != "" {
		n, err := loadSeed(target, *seed)
		if err != nil {
			ln.Close()
			return err
		}
		fmt.Fprintf(stderr, "scim-target: loaded %d users from %s\n", n, *seed)
	}

	handler := target.Handler()
	if !*quiet {
		handler = logRequests(handler, log.New(stderr, "", log.LstdFlags|log.Lmicroseconds))
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}

	if *portFile != "" {
		if err := writeFileAtomic(*portFile, addr+"\n"); err != nil {
			ln.Close()
			return err
		}
	}
	fmt.Fprintln(stdout, opts.BaseURL)

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// printPersonalities writes the -personality list: each name with its
// summary and sources.
func printPersonalities(w io.Writer) {
	for _, p := range scimtarget.Personalities() {
		fmt.Fprintf(w, "%s\n    %s\n", p.Name, p.Summary)
		for _, s := range p.Sources {
			fmt.Fprintf(w, "    %s\n", s)
		}
	}
}

// checkLoopback refuses addresses that would expose the unauthenticated
// control API beyond this machine.
func checkLoopback(listen string, allow bool) error {
	if allow {
		return nil
	}
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return fmt.Errorf("-listen %q: %v", listen, err)
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("-listen %q is not a loopback address; pass -allow-non-loopback to allow it", listen)
	}
	return nil
}

// loadSeed adds the users in a JSON file: an array of User documents, a
// ListResponse ({"Resources": [...]}) or {"users": [...]}.
func loadSeed(t *scimtarget.Target, path string) (int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	var users []map[string]any
	if err := json.Unmarshal(data, &users); err != nil {
		var wrapped map[string]json.RawMessage
		if json.Unmarshal(data, &wrapped) != nil {
			return 0, fmt.Errorf("%s: want a JSON array of users or {\"Resources\": [...]}", path)
		}
		raw := wrapped["Resources"]
		if raw == nil {
			raw = wrapped["users"]
		}
		if err := json.Unmarshal(raw, &users); err != nil {
			return 0, fmt.Errorf("%s: want a JSON array of users or {\"Resources\": [...]}", path)
		}
	}
	for i, u := range users {
		if _, err := t.AddUser(u); err != nil {
			return i, fmt.Errorf("%s: user %d: %w", path, i, err)
		}
	}
	return len(users), nil
}

func writeFileAtomic(path, content string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".port-*")
	if err != nil {
		return err
	}
	if _, err := tmp.WriteString(content); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// logRequests logs method, path, status and duration; headers (and so the
// Authorization header) are never logged.
func logRequests(next http.Handler, logger *log.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		lw := &httpstatus.Recorder{ResponseWriter: w}
		defer func() {
			status := fmt.Sprint(lw.Status)
			if lw.Status == 0 {
				status = "dropped"
			}
			logger.Printf("%s %s %s %s", r.Method, r.URL.Path, status, time.Since(start).Round(time.Microsecond))
		}()
		next.ServeHTTP(lw, r)
	})
}
