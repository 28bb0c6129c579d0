// Command scim-app-check checks what a SaaS app's SCIM 2.0 endpoint
// actually does (discovery documents, paging by index and by cursor, the
// largest page, filter operators, the attributes parameter, ETags, group
// members) and recommends the `compatibility` settings of the provider's
// scim_connected_app that differ from what discovery gives.
//
//	SCIM_TOKEN=... scim-app-check -url https://example.com/scim/v2
//	scim-app-check -url https://example.com/scim/v2 -token-file token.txt -json
//	scim-app-check -url https://example.com/scim/v2 -write
//
// It only reads, unless -write: then it also creates one test account,
// changes it by PATCH and by PUT, reads it back and deletes it, and says so
// before it starts.
//
// Exit status: 0 checked, 1 could not check (the app is unreachable or
// refuses the token), 2 usage error.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"

	"github.com/openscim/terraform-provider-scim/internal/appcheck"
)

// version is set by a release build (-ldflags "-X main.version=...").
var version = "dev"

// tokenEnv is the environment variable the bearer token is read from.
const tokenEnv = "SCIM_TOKEN"

const usage = `usage: scim-app-check -url BASE_URL [flags]

Checks what the SCIM 2.0 app at BASE_URL (e.g. https://example.com/scim/v2)
actually does: its discovery documents and what they advertise, paging by
index and by cursor, the largest page, filter operators, the attributes
parameter, ETags, whether groups show their members. Prints one line per
finding with its evidence (the requests and the app's answers), then the
compatibility settings of scim_connected_app that differ from what
discovery gives, each with its reason.

It only reads (GET), unless -write is given: then it also creates one test
account (userName scim-app-check-<random hex>@example.invalid, displayName
"SCIM App Check"; again with an externalId if the app refuses it without),
PATCHes its title and, through a path with a value filter, its work email,
PUTs it with another title, reads it back and deletes it (or deactivates it
when the app refuses the delete), announcing this before the first write
and saying at the end whether the account is gone. An app whose DELETE
only deactivates keeps the account, inactive: the report says so.

The bearer token is read from the environment variable SCIM_TOKEN, or from
the file given with -token-file (which wins over SCIM_TOKEN). It is sent
only to BASE_URL (redirects are not followed) and never printed or logged.

Exit status: 0 checked, 1 could not check (the app is unreachable or
refuses the token), 2 usage error.

Flags:
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("scim-app-check", flag.ContinueOnError)
	flags.SetOutput(stderr)
	baseURL := flags.String("url", "", "the app's SCIM base URL, e.g. https://example.com/scim/v2 (required)")
	tokenFile := flags.String("token-file", "", "read the bearer token from this file instead of the environment variable "+tokenEnv)
	timeout := flags.Duration("timeout", appcheck.DefaultTimeout, "how long each request may take")
	asJSON := flags.Bool("json", false, "write the report as JSON (the -write progress lines then go to standard error)")
	write := flags.Bool("write", false, "also create, change (PATCH and PUT), read and delete one test account (announced before it starts)")
	flags.Usage = func() { fmt.Fprint(stderr, usage); flags.PrintDefaults() }
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "scim-app-check: "+format+"\n", a...)
		fmt.Fprintln(stderr, "run scim-app-check -help for usage")
		return 2
	}
	switch {
	case flags.NArg() > 0:
		return usageErr("unexpected argument %q", flags.Arg(0))
	case *baseURL == "":
		return usageErr("-url is required: the app's SCIM base URL, e.g. https://example.com/scim/v2")
	case *timeout <= 0:
		return usageErr("-timeout must be positive, not %s", *timeout)
	}
	if err := appcheck.ValidateBaseURL(*baseURL); err != nil {
		return usageErr("-url: %v", err)
	}
	token, source := strings.TrimSpace(getenv(tokenEnv)), tokenEnv
	if *tokenFile != "" {
		data, err := os.ReadFile(*tokenFile)
		if err != nil {
			return usageErr("-token-file: %v", err)
		}
		token, source = strings.TrimSpace(string(data)), "-token-file "+*tokenFile
	}
	if token == "" {
		if *tokenFile != "" {
			return usageErr("-token-file %s is empty", *tokenFile)
		}
		return usageErr("no token: set the environment variable %s to the app's bearer token, or give -token-file", tokenEnv)
	}
	if u, _ := url.Parse(*baseURL); u != nil && u.Scheme == "http" && !loopback(u.Hostname()) {
		fmt.Fprintf(stderr, "scim-app-check: warning: %s is plain http: the token crosses the network unencrypted\n", u.Host)
	}

	progress := stdout
	if *asJSON {
		progress = stderr
	}
	rep, err := appcheck.Check(ctx, appcheck.Config{
		BaseURL:   *baseURL,
		Token:     token,
		Timeout:   *timeout,
		UserAgent: "scim-app-check/" + buildVersion(),
		Write:     *write,
		Progress:  progress,
	})
	if err != nil {
		msg := err.Error()
		if errors.Is(err, appcheck.ErrTokenRefused) {
			msg += fmt.Sprintf(": check the token in %s", source)
		}
		fmt.Fprintf(stderr, "scim-app-check: could not check %s: %s\n", strings.TrimRight(*baseURL, "/"), msg)
		if *asJSON {
			_ = rep.WriteJSON(stdout, err)
		}
		return 1
	}
	if *asJSON {
		err = rep.WriteJSON(stdout, nil)
	} else {
		err = rep.WriteText(stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "scim-app-check: %v\n", err)
		return 1
	}
	return 0
}

// loopback reports a host name that stays on this machine.
func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// buildVersion is version, or the module version go install recorded.
func buildVersion() string {
	if version != "dev" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return version
}
